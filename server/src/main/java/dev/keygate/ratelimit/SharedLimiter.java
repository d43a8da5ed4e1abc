package dev.keygate.ratelimit;

import dev.keygate.key.RateLimitSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Rate limits counted once for every sidecar that shares the store, rather than per process like
 * {@link RateLimits}. Asynchronous: the answer completes when the store answers (or at once, from a
 * lease), and no caller's thread waits for it.
 */
public interface SharedLimiter {
  /**
   * Counts one call against one of the key's limits.
   *
   * <p>Fails with {@link dev.keygate.store.StoreUnavailableException} if the shared state cannot be
   * reached.
   */
  default CompletableFuture<LimitState> acquire(String keyId, RateLimitSpec spec) {
    return acquire(LimitOwner.key(keyId), List.of(spec), 1).thenApply(g -> g.states().get(0));
  }

  /**
   * Takes up to {@code want} calls from every one of an owner's limits at once, all or nothing: the
   * grant is the most that each limit can admit (capped at {@code want}), and a grant of 0 changes
   * no state.
   *
   * @param specs the owner's limits, at least one
   * @param want how many calls to take (1 for a single call, more for a lease)
   * @return fails with {@link dev.keygate.store.StoreUnavailableException} if the shared state
   *     cannot be reached
   */
  CompletableFuture<Grant> acquire(LimitOwner owner, List<RateLimitSpec> specs, int want);

  /**
   * The answer of {@link #acquire(LimitOwner, List, int)}.
   *
   * @param granted calls taken from every limit, 0 to want
   * @param states per limit, in the order asked: remaining after the grant, and whether that limit
   *     could admit at least one call (with its retry delay when it could not)
   */
  record Grant(int granted, List<LimitState> states) {
    public Grant {
      states = List.copyOf(states);
    }
  }
}
