package dev.keygate.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits counted in this process, one limiter per owner and limit, created on first use and evicted
 * once idle for a whole period: a rolling limit is a resilience4j rate limiter, a calendar quota a
 * counter of the current UTC day or month. Eviction then loses nothing: a limiter idle for a period
 * would have refilled to its full allowance anyway, which is what a new one starts with (a calendar
 * counter idle for its longest window has seen its window end). So memory tracks the owners active
 * in the last period, not every owner ever seen.
 *
 * <p>A call governed by several limits takes from all of them or from none ({@link #acquireAll}):
 * their locks are taken in one global order (no deadlock), every limiter is checked, and only then
 * is one call taken from each. Every call goes through that lock, so no other call can take what a
 * check just saw. {@link #peek} checks without taking, for a decision whose global limits must
 * answer before the local ones may be spent.
 *
 * <p>Limits count inside this process only: several sidecars sharing keys each apply the limit.
 */
public final class RateLimits {
  /** Hard bound on live limiters; past it the least recently used are dropped early. */
  static final long MAX_LIMITERS = 1_000_000;

  private static final Comparator<Limiter> LOCK_ORDER = Comparator.comparing(l -> l.order);

  private final Cache<LimiterKey, Limiter> limiters;
  private final Clock clock;

  /**
   * One call's local limit.
   *
   * @param owner the key id, or {@code "p/" + project} for a project's quota ("p/" cannot start a
   *     key id, so a project never shares a limiter with a key)
   * @param spec the limit
   * @param subject whose limit it is, for reporting
   */
  public record LocalLimit(String owner, RateLimitSpec spec, LimitOwner.Kind subject) {}

  public RateLimits() {
    this(Clock.systemUTC());
  }

  /**
   * @param clock places calendar quotas in their UTC day or month
   */
  public RateLimits(Clock clock) {
    this(clock, Ticker.systemTicker());
  }

  /** As {@link #RateLimits(Clock)}, with the clock of idle eviction given (tests advance it). */
  RateLimits(Clock clock, Ticker idleTicker) {
    this.clock = clock;
    this.limiters =
        Caffeine.newBuilder()
            .maximumSize(MAX_LIMITERS)
            .expireAfter(new IdleForOnePeriod())
            .ticker(idleTicker)
            .build();
  }

  /** Counts one call against the key's limit; never blocks on anything but that limiter. */
  public LimitState acquire(String keyId, RateLimitSpec spec) {
    return acquireAll(List.of(new LocalLimit(keyId, spec, LimitOwner.Kind.KEY))).get(0);
  }

  /**
   * Takes one call from every limit, or from none when any of them is spent.
   *
   * @return per limit, in the order given: its state after the call was taken, or (when the call
   *     was refused) whether it could have admitted the call and its wait when it could not
   */
  public List<LimitState> acquireAll(List<LocalLimit> limits) {
    return underLocks(limits, true);
  }

  /** The states {@link #acquireAll} would report for these limits, without taking anything. */
  public List<LimitState> peek(List<LocalLimit> limits) {
    return underLocks(limits, false);
  }

  private List<LimitState> underLocks(List<LocalLimit> limits, boolean take) {
    if (limits.isEmpty()) {
      return List.of();
    }
    List<Limiter> found = new ArrayList<>(limits.size());
    for (LocalLimit l : limits) {
      found.add(limiters.get(new LimiterKey(l.owner(), l.spec()), this::create));
    }
    List<Limiter> ordered = found;
    if (found.size() > 1) {
      ordered = new ArrayList<>(found);
      ordered.sort(LOCK_ORDER);
    }
    Instant now = clock.instant();
    for (Limiter l : ordered) {
      l.lock.lock();
    }
    try {
      // read once: under the locks nothing else takes, and a refill meanwhile only adds
      int[] available = new int[found.size()];
      boolean all = true;
      for (int i = 0; i < available.length; i++) {
        available[i] = found.get(i).available(now);
        all &= available[i] >= 1;
      }
      boolean taken = take && all;
      if (taken) {
        for (Limiter l : found) {
          l.take(now);
        }
      }
      List<LimitState> states = new ArrayList<>(found.size());
      for (int i = 0; i < available.length; i++) {
        states.add(
            new LimitState(
                available[i] >= 1,
                limits.get(i).spec(),
                Math.max(0, taken ? available[i] - 1 : available[i]),
                found.get(i).resetAfter(now),
                LimitScope.LOCAL,
                limits.get(i).subject()));
      }
      return states;
    } finally {
      for (int i = ordered.size() - 1; i >= 0; i--) {
        ordered.get(i).lock.unlock();
      }
    }
  }

  /** Limiters currently held, for tests and metrics. */
  public long size() {
    limiters.cleanUp();
    return limiters.estimatedSize();
  }

  private Limiter create(LimiterKey key) {
    String order = key.owner() + "|" + key.spec().encode();
    return key.spec().isCalendar()
        ? new CalendarLimiter(order, key.spec())
        : new RollingLimiter(order, key);
  }

  private record LimiterKey(String owner, RateLimitSpec spec) {}

  /** One limit of one owner; every method is called with {@link #lock} held. */
  private abstract static class Limiter {
    final ReentrantLock lock = new ReentrantLock();
    final String order;
    final long idleNanos;

    Limiter(String order, Duration idle) {
      this.order = order;
      this.idleNanos = idle.toNanos();
    }

    abstract int available(Instant now);

    abstract void take(Instant now);

    /** When the allowance is whole again (admitting), or the wait for the next call (spent). */
    abstract Duration resetAfter(Instant now);
  }

  /** A rolling limit: resilience4j's limiter, refreshed every period from its creation. */
  private static final class RollingLimiter extends Limiter {
    private final AtomicRateLimiter rateLimiter;
    private final long periodNanos;
    private final long startNanos;

    RollingLimiter(String order, LimiterKey key) {
      super(order, key.spec().period());
      RateLimiterConfig config =
          RateLimiterConfig.custom()
              .limitForPeriod(key.spec().requests())
              .limitRefreshPeriod(key.spec().period())
              .timeoutDuration(Duration.ZERO)
              .build();
      this.rateLimiter = new AtomicRateLimiter(key.owner(), config);
      this.periodNanos = key.spec().period().toNanos();
      // taken after the limiter's own start so our period ends never come before its refills
      this.startNanos = System.nanoTime();
    }

    @Override
    int available(Instant now) {
      return rateLimiter.getMetrics().getAvailablePermissions();
    }

    @Override
    void take(Instant now) {
      if (!rateLimiter.acquirePermission()) {
        // every taker holds the lock and checked first; a refresh only ever adds permits
        throw new IllegalStateException("a checked local limit refused under its lock");
      }
    }

    @Override
    Duration resetAfter(Instant now) {
      long elapsed = System.nanoTime() - startNanos;
      return Duration.ofNanos(periodNanos - Math.floorMod(elapsed, periodNanos));
    }
  }

  /** A quota per UTC calendar day or month: a count of the current window, reset at its end. */
  private static final class CalendarLimiter extends Limiter {
    private final RateLimitSpec spec;
    private long window = Long.MIN_VALUE;
    private int count;

    CalendarLimiter(String order, RateLimitSpec spec) {
      super(order, spec.window().longest());
      this.spec = spec;
    }

    @Override
    int available(Instant now) {
      return spec.window().windowAt(now) == window ? spec.requests() - count : spec.requests();
    }

    @Override
    void take(Instant now) {
      long current = spec.window().windowAt(now);
      if (current != window) {
        window = current;
        count = 0;
      }
      count++;
    }

    @Override
    Duration resetAfter(Instant now) {
      return Duration.between(now, spec.window().windowEnd(now));
    }
  }

  private static final class IdleForOnePeriod implements Expiry<LimiterKey, Limiter> {
    @Override
    public long expireAfterCreate(LimiterKey key, Limiter value, long currentTime) {
      return value.idleNanos;
    }

    @Override
    public long expireAfterUpdate(
        LimiterKey key, Limiter value, long currentTime, long currentDuration) {
      return value.idleNanos;
    }

    @Override
    public long expireAfterRead(
        LimiterKey key, Limiter value, long currentTime, long currentDuration) {
      return value.idleNanos;
    }
  }
}
