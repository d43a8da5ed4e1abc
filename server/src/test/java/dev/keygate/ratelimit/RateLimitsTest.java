package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.RateLimitSpec;
import dev.keygate.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private final RateLimits limits = new RateLimits();
  private final RateLimitSpec threePerHour = new RateLimitSpec(3, Duration.ofHours(1));

  @Test
  void acquire_admitsLimitThenRefusesWithResetWithinPeriod() {
    for (int remaining = 2; remaining >= 0; remaining--) {
      LimitState s = limits.acquire("k1", threePerHour);
      assertTrue(s.admitted());
      assertEquals(remaining, s.remaining());
    }
    LimitState refused = limits.acquire("k1", threePerHour);
    assertFalse(refused.admitted());
    assertEquals(0, refused.remaining());
    assertTrue(refused.resetAfter().compareTo(Duration.ZERO) > 0);
    assertTrue(refused.resetAfter().compareTo(Duration.ofHours(1)) <= 0);
  }

  @Test
  void acquire_keysAreIndependent() {
    for (int i = 0; i < 3; i++) {
      limits.acquire("k1", threePerHour);
    }
    assertFalse(limits.acquire("k1", threePerHour).admitted());
    assertTrue(limits.acquire("k2", threePerHour).admitted());
  }

  @Test
  void acquire_changedLimitStartsAFreshLimiter() {
    for (int i = 0; i < 3; i++) {
      limits.acquire("k1", threePerHour);
    }
    LimitState raised = limits.acquire("k1", new RateLimitSpec(10, Duration.ofHours(1)));
    assertTrue(raised.admitted());
    assertEquals(9, raised.remaining());
  }

  @Test
  void acquire_concurrentCallersNeverExceedTheLimit() throws Exception {
    RateLimitSpec hundred = new RateLimitSpec(100, Duration.ofHours(1));
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 1000; i++) {
      pool.execute(
          () -> {
            if (limits.acquire("hot", hundred).admitted()) {
              admitted.incrementAndGet();
            }
          });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(100, admitted.get());
  }

  @Test
  void size_idleLimitersAreEvictedAfterTheirPeriod() {
    FakeTicker idle = new FakeTicker();
    RateLimits limits = new RateLimits(java.time.Clock.systemUTC(), idle);
    RateLimitSpec perSecond = new RateLimitSpec(5, Duration.ofSeconds(1));
    for (int i = 0; i < 100; i++) {
      limits.acquire("key-" + i, perSecond);
    }
    assertEquals(100, limits.size());
    idle.advance(Duration.ofMillis(900));
    limits.acquire("key-0", perSecond);
    assertEquals(100, limits.size(), "within the period: kept");
    idle.advance(Duration.ofMillis(200));
    assertEquals(1, limits.size(), "idle for a period: evicted; key-0 was used 200 ms ago");
    // Caffeine's timer wheel expires in buckets of about a second: a period later, give or take
    idle.advance(Duration.ofSeconds(2));
    assertEquals(0, limits.size());
  }
}
