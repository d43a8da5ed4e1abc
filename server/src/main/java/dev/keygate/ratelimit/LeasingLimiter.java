package dev.keygate.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keygate.key.Credits;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Spends global limits from a local lease: instead of one Redis call per admitted call, a sidecar
 * takes a small batch of calls from every limit of an owner at once (one all-or-nothing GCRA call)
 * and admits from it locally until it is spent or {@code ttl} has passed; an unspent rest is then
 * dropped, never returned.
 *
 * <p>Bounds, for S sidecars and a lease of L calls (the smaller of {@code maxLease} and 5 % of the
 * owner's smallest limit, at least 1):
 *
 * <ul>
 *   <li>Every admitted call was taken from Redis first, so over any run the total admitted never
 *       exceeds what GCRA granted: the unleased bound (N plus refill from a full bucket) holds
 *       unchanged.
 *   <li>A leased call may be spent up to {@code ttl} after it was taken, so in a given window up to
 *       S × (L − 1) calls taken before it can be admitted in it: after Redis refuses, the other
 *       sidecars may still admit what their leases hold. That is the over-admission against the
 *       unleased limit in any window.
 *   <li>Dropped rests (a lease that expired, a sidecar that died) are under-admission: at most L −
 *       1 calls per lease, refilled by GCRA at the limit's normal rate.
 * </ul>
 *
 * <p>Reported states add the calls still in this sidecar's lease to the remaining count Redis
 * reported when the lease was taken, and age the reset by the time since.
 */
public final class LeasingLimiter implements SharedLimiter {
  /** The share of the smallest limit one lease may take. */
  static final int LEASE_DIVISOR = 20;

  private static final long MAX_LEASES = 1_000_000;

  private final SharedLimiter delegate;
  private final int maxLease;
  private final long ttlNanos;
  private final Cache<LeaseKey, Lease> leases;

  /**
   * @param delegate where limits are counted (Redis)
   * @param maxLease most calls one lease takes; 1 disables leasing
   * @param ttl how long a lease may be spent
   */
  public LeasingLimiter(SharedLimiter delegate, int maxLease, Duration ttl) {
    this.delegate = delegate;
    this.maxLease = maxLease;
    this.ttlNanos = ttl.toNanos();
    // an idle entry holds at most an expired lease; dropping it loses nothing
    this.leases =
        Caffeine.newBuilder()
            .maximumSize(MAX_LEASES)
            .expireAfterAccess(ttl.multipliedBy(2))
            .build();
  }

  /** Calls one lease takes for these limits. */
  int leaseSize(List<RateLimitSpec> specs) {
    int smallest = specs.stream().mapToInt(RateLimitSpec::requests).min().orElse(1);
    return Math.max(1, Math.min(maxLease, smallest / LEASE_DIVISOR));
  }

  @Override
  public CompletableFuture<Grant> acquire(Take take) {
    if (!leased(take)) {
      return delegate.acquire(take);
    }
    return acquireLeased(take.owner(), take.specs());
  }

  /**
   * Whether a take is served from a lease: one call of rolling limits only. Credits are never
   * leased (they may not be overspent), nor calendar quotas (a dropped rest would be lost for the
   * rest of the day or month, not refilled within a period).
   */
  private boolean leased(Take take) {
    return take.want() == 1
        && take.credits().isEmpty()
        && take.specs().stream().noneMatch(RateLimitSpec::isCalendar)
        && leaseSize(take.specs()) > 1;
  }

  private CompletableFuture<Grant> acquireLeased(LimitOwner owner, List<RateLimitSpec> specs) {
    int size = leaseSize(specs);
    Lease lease = leases.get(new LeaseKey(owner, List.copyOf(specs)), k -> new Lease());
    CompletableFuture<Grant> refill;
    boolean mine = false;
    // the lock guards the counters only, never a Redis call: callers of an owner whose lease is
    // spent share one refill and retry when it lands
    synchronized (lease) {
      long now = System.nanoTime();
      if (lease.left > 0 && now - lease.takenAt < ttlNanos) {
        lease.left--;
        return CompletableFuture.completedFuture(new Grant(1, report(lease, now)));
      }
      if (lease.refill == null) {
        lease.refill = new CompletableFuture<>();
        mine = true;
      }
      refill = lease.refill;
    }
    if (mine) {
      delegate.acquire(owner, specs, size).whenComplete((grant, e) -> landed(lease, grant, e));
    }
    // a refusal refuses every waiter; a grant is shared out by retrying against the lease
    return refill.thenCompose(grant -> grant.granted() == 0 ? refill : acquireLeased(owner, specs));
  }

  /**
   * A leased call goes back into its lease while the lease may still be spent; after that it is
   * dropped like the lease's unspent rest.
   */
  @Override
  public CompletableFuture<Void> release(Take take, int count) {
    if (!leased(take)) {
      return delegate.release(take, count);
    }
    Lease lease = leases.getIfPresent(new LeaseKey(take.owner(), take.specs()));
    if (lease != null) {
      synchronized (lease) {
        if (System.nanoTime() - lease.takenAt < ttlNanos) {
          lease.left += count;
        }
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Credits are never leased: the store's balance. */
  @Override
  public long balance(String keyId, Credits credits, Instant at) {
    return delegate.balance(keyId, credits, at);
  }

  @Override
  public Map<String, Long> balances(Map<String, Credits> credits, Instant at) {
    return delegate.balances(credits, at);
  }

  private static void landed(Lease lease, Grant grant, Throwable failure) {
    CompletableFuture<Grant> refill;
    synchronized (lease) {
      refill = lease.refill;
      lease.refill = null;
      if (failure == null) {
        lease.left = grant.granted();
        lease.takenAt = System.nanoTime();
        lease.states = grant.states();
      }
    }
    if (failure != null) {
      refill.completeExceptionally(failure);
    } else {
      refill.complete(grant);
    }
  }

  private static List<LimitState> report(Lease lease, long now) {
    Duration aged = Duration.ofNanos(now - lease.takenAt);
    List<LimitState> out = new ArrayList<>(lease.states.size());
    for (LimitState s : lease.states) {
      Duration reset = s.resetAfter().minus(aged);
      out.add(
          new LimitState(
              true,
              s.spec(),
              (int) Math.min(s.spec().requests(), (long) s.remaining() + lease.left),
              reset.isNegative() ? Duration.ZERO : reset,
              s.scope(),
              s.subject()));
    }
    return out;
  }

  private record LeaseKey(LimitOwner owner, List<RateLimitSpec> specs) {}

  /** Calls taken from Redis and not yet admitted; guarded by its own monitor. */
  private static final class Lease {
    /** The Redis call refilling this lease, while one is in flight. */
    CompletableFuture<Grant> refill;

    int left;
    long takenAt;
    List<LimitState> states = List.of();
  }
}
