package dev.keygate.ratelimit;

import dev.keygate.key.Credits;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Credits counted in this process, for a sidecar without a shared store (the embedded in-memory
 * store: there is only this sidecar, so its count is the count). The same rules as in Redis: a
 * newer generation of the admin setting resets the balance, a later refill window sets it to the
 * refill amount, and a call is spent only when the balance covers its cost.
 *
 * <p>Rate limits never come here: without a shared store they are counted by {@link RateLimits}.
 * Bound: one balance per key with credits that was used; the embedded store bounds its keys.
 */
public final class InProcessCredits implements SharedLimiter {
  private final ConcurrentMap<String, Balance> balances = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Grant> acquire(Take take) {
    if (!take.specs().isEmpty()) {
      throw new IllegalArgumentException("without a shared store limits are counted locally");
    }
    if (take.credits().isEmpty()) {
      return CompletableFuture.completedFuture(new Grant(take.want(), List.of()));
    }
    CreditCharge charge = take.credits().get();
    Credits c = charge.credits();
    long window = c.windowAt(take.at());
    Balance b = balances.computeIfAbsent(take.owner().id(), k -> new Balance());
    synchronized (b) {
      b.remaining = Balances.current(c, window, b.generation, b.remaining, b.window);
      // generations and refill windows only move forward, as in Redis
      b.generation = Math.max(b.generation, c.generation());
      b.window = Math.max(b.window, window);
      boolean covered = b.remaining >= charge.cost();
      if (covered) {
        b.remaining -= charge.cost();
      }
      return CompletableFuture.completedFuture(
          new Grant(covered ? 1 : 0, List.of(), OptionalLong.of(b.remaining), covered));
    }
  }

  @Override
  public CompletableFuture<Void> release(Take take, int count) {
    take.credits()
        .ifPresent(
            charge -> {
              Balance b = balances.get(take.owner().id());
              if (b == null) {
                return;
              }
              synchronized (b) {
                if (b.generation == charge.credits().generation()
                    && b.window == charge.credits().windowAt(take.at())) {
                  b.remaining += (long) count * charge.cost();
                }
              }
            });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public long balance(String keyId, Credits credits, Instant at) {
    Balance b = balances.get(keyId);
    if (b == null) {
      return credits.amount();
    }
    synchronized (b) {
      return Balances.current(credits, credits.windowAt(at), b.generation, b.remaining, b.window);
    }
  }

  /** A key's balance; guarded by its own monitor. */
  private static final class Balance {
    long generation = -1;
    long remaining;
    long window;
  }
}
