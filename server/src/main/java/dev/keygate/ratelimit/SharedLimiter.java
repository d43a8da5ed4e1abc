package dev.keygate.ratelimit;

import dev.keygate.key.Credits;
import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Limits and credits counted once for every sidecar that shares the store, rather than per process
 * like {@link RateLimits}. Asynchronous: the answer completes when the store answers (or at once,
 * from a lease), and no caller's thread waits for it.
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

  /** {@link #acquire(Take)} without credits, at the current time. */
  default CompletableFuture<Grant> acquire(LimitOwner owner, List<RateLimitSpec> specs, int want) {
    return acquire(new Take(owner, specs, want, Optional.empty(), Instant.now()));
  }

  /**
   * Takes up to {@code take.want()} calls from every one of an owner's limits (and its credits) at
   * once, all or nothing: the grant is the most that each limit and the credits can admit (capped
   * at want), and a grant of 0 changes no state.
   *
   * @return fails with {@link dev.keygate.store.StoreUnavailableException} if the shared state
   *     cannot be reached
   */
  CompletableFuture<Grant> acquire(Take take);

  /**
   * Gives back {@code count} calls that {@link #acquire(Take)} granted for {@code take}, because a
   * later stage of the same decision refused the call: a refused call spends nothing. What can no
   * longer be given back is not (a calendar window or refill boundary passed in between, a lease
   * expired): that errs toward refusing, never toward admitting more.
   */
  CompletableFuture<Void> release(Take take, int count);

  /**
   * A key's credit balance at {@code at}, as the next spend would find it (a newer admin setting or
   * a due refill applied), without spending. For KeyAdmin reads: answered on the caller's thread
   * (an admin worker), never through the decision path's pool, whose bound belongs to Authorize.
   *
   * @throws dev.keygate.store.StoreUnavailableException if the shared state cannot be reached
   */
  long balance(String keyId, Credits credits, Instant at);

  /**
   * {@link #balance} of several keys (key id -> credits) at once, for a KeyAdmin page: a store that
   * can read them in one round trip (Redis: pipelined) overrides this. Same thread rule.
   *
   * @return key id -> balance, for every key given
   */
  default Map<String, Long> balances(Map<String, Credits> credits, Instant at) {
    Map<String, Long> out = new LinkedHashMap<>();
    credits.forEach((id, c) -> out.put(id, balance(id, c, at)));
    return out;
  }

  /**
   * One owner's share of a decision.
   *
   * @param owner whose limits (one Cluster slot)
   * @param specs the owner's global limits, possibly none
   * @param want calls to take (1 for a call, more for a lease)
   * @param credits the key's credits and the call's cost; only for a key, and then want is 1
   * @param at the decision's time: places calendar windows and credit refills
   */
  record Take(
      LimitOwner owner,
      List<RateLimitSpec> specs,
      int want,
      Optional<CreditCharge> credits,
      Instant at) {
    public Take {
      specs = List.copyOf(specs);
      Objects.requireNonNull(credits, "credits");
      if (credits.isPresent() && want != 1) {
        throw new IllegalArgumentException("credits are spent one call at a time");
      }
    }

    /** Nothing to count for this owner. */
    public boolean isEmpty() {
      return specs.isEmpty() && credits.isEmpty();
    }
  }

  /**
   * A call's claim on a key's credits.
   *
   * @param credits how the key's credits were last set, and refill
   * @param cost credits the call spends, 1 to {@value
   *     dev.keygate.ratelimit.LimitEvaluator#MAX_COST}
   */
  record CreditCharge(Credits credits, int cost) {}

  /**
   * The answer of {@link #acquire(Take)}.
   *
   * @param granted calls taken from every limit, 0 to want
   * @param states per limit, in the order asked: remaining after the grant, and whether that limit
   *     could admit at least one call (with its retry delay when it could not)
   * @param creditsLeft with credits: the balance after the grant (before it, when refused)
   * @param creditsSuffice with credits: whether the balance covered the call's cost
   */
  record Grant(
      int granted, List<LimitState> states, OptionalLong creditsLeft, boolean creditsSuffice) {
    public Grant {
      states = List.copyOf(states);
    }

    /** A grant for limits only. */
    public Grant(int granted, List<LimitState> states) {
      this(granted, states, OptionalLong.empty(), true);
    }
  }
}
