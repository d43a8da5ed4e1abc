package dev.keygate.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.keygate.key.RateLimitSpec;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;

/**
 * Per-key rate limiters (resilience4j, one per key and limit), created on first use and evicted
 * once idle for a whole period. Eviction then loses nothing: a limiter idle for a period would have
 * refilled to its full allowance anyway, which is what a new one starts with. So memory tracks the
 * keys active in the last period, not every key ever seen.
 *
 * <p>Limits count inside this process only: several sidecars sharing keys each apply the limit.
 */
public final class RateLimits {
  /** Hard bound on live limiters; past it the least recently used are dropped early. */
  static final long MAX_LIMITERS = 1_000_000;

  private final Cache<LimiterKey, Limiter> limiters;

  public RateLimits() {
    this.limiters =
        Caffeine.newBuilder().maximumSize(MAX_LIMITERS).expireAfter(new IdleForOnePeriod()).build();
  }

  /** Counts one call against the key's limit; never blocks. */
  public LimitState acquire(String keyId, RateLimitSpec spec) {
    Limiter limiter = limiters.get(new LimiterKey(keyId, spec), Limiter::create);
    boolean admitted = limiter.rateLimiter.acquirePermission();
    int remaining = Math.max(0, limiter.rateLimiter.getMetrics().getAvailablePermissions());
    return new LimitState(admitted, spec, remaining, limiter.resetAfter());
  }

  /** Limiters currently held, for tests and metrics. */
  public long size() {
    limiters.cleanUp();
    return limiters.estimatedSize();
  }

  private record LimiterKey(String keyId, RateLimitSpec spec) {}

  private static final class Limiter {
    private final AtomicRateLimiter rateLimiter;
    private final long periodNanos;
    private final long startNanos;

    private Limiter(AtomicRateLimiter rateLimiter, long periodNanos) {
      this.rateLimiter = rateLimiter;
      this.periodNanos = periodNanos;
      // taken after the limiter's own start so our period ends never come before its refills
      this.startNanos = System.nanoTime();
    }

    static Limiter create(LimiterKey key) {
      RateLimiterConfig config =
          RateLimiterConfig.custom()
              .limitForPeriod(key.spec().requests())
              .limitRefreshPeriod(key.spec().period())
              .timeoutDuration(Duration.ZERO)
              .build();
      return new Limiter(new AtomicRateLimiter(key.keyId(), config), key.spec().period().toNanos());
    }

    Duration resetAfter() {
      long elapsed = System.nanoTime() - startNanos;
      return Duration.ofNanos(periodNanos - Math.floorMod(elapsed, periodNanos));
    }
  }

  private static final class IdleForOnePeriod implements Expiry<LimiterKey, Limiter> {
    @Override
    public long expireAfterCreate(LimiterKey key, Limiter value, long currentTime) {
      return value.periodNanos;
    }

    @Override
    public long expireAfterUpdate(
        LimiterKey key, Limiter value, long currentTime, long currentDuration) {
      return value.periodNanos;
    }

    @Override
    public long expireAfterRead(
        LimiterKey key, Limiter value, long currentTime, long currentDuration) {
      return value.periodNanos;
    }
  }
}
