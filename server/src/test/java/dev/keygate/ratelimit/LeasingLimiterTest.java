package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.RateLimitSpec;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leases on a real Redis, three "sidecars" (three stores, each with its own leasing limiter) on one
 * namespace: the total admitted equals what Redis granted, and what sidecars admit after Redis
 * first refuses is at most S × (L − 1). No timing: the leases outlive the test.
 */
@ExtendWith(RedisServerExtension.class)
class LeasingLimiterTest {
  private static final RateLimitSpec HUNDRED_PER_HOUR = new RateLimitSpec(100, Duration.ofHours(1));
  private static final Duration LONG_TTL = Duration.ofHours(1);

  private final TestRedis redis;

  LeasingLimiterTest(TestRedis redis) {
    this.redis = redis;
  }

  private static boolean admit(SharedLimiter limiter, LimitOwner owner) {
    return limiter.acquire(owner, List.of(HUNDRED_PER_HOUR), 1).join().granted() == 1;
  }

  @Test
  void leaseSize_isFivePercentOfTheSmallestLimitCappedByTheSetting() {
    LeasingLimiter l = new LeasingLimiter(null, 10, LONG_TTL);
    assertEquals(5, l.leaseSize(List.of(HUNDRED_PER_HOUR)));
    assertEquals(10, l.leaseSize(List.of(new RateLimitSpec(10_000, Duration.ofMinutes(1)))));
    assertEquals(
        1, l.leaseSize(List.of(HUNDRED_PER_HOUR, new RateLimitSpec(19, Duration.ofSeconds(1)))));
  }

  @Test
  void threeSidecars_admitExactlyTheLimit_andAtMostSTimesLMinusOneAfterRedisRefuses() {
    String ns = redis.newNamespace();
    try (RedisKeyStore sa = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), ns);
        RedisKeyStore sb = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), ns);
        RedisKeyStore sc = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), ns)) {
      LeasingLimiter a = new LeasingLimiter(sa.sharedLimiter(), 10, LONG_TTL);
      LeasingLimiter b = new LeasingLimiter(sb.sharedLimiter(), 10, LONG_TTL);
      LeasingLimiter c = new LeasingLimiter(sc.sharedLimiter(), 10, LONG_TTL);
      int lease = a.leaseSize(List.of(HUNDRED_PER_HOUR));
      LimitOwner owner = LimitOwner.key("lease0000001");
      // b and c each take a lease and spend one call of it
      assertTrue(admit(b, owner));
      assertTrue(admit(c, owner));
      int admitted = 2;
      while (admit(a, owner)) {
        admitted++;
      }
      // a's first refusal: Redis has nothing left, yet b and c still hold lease - 1 each
      int afterRefusal = 0;
      while (admit(b, owner)) {
        afterRefusal++;
      }
      while (admit(c, owner)) {
        afterRefusal++;
      }
      // within the documented bound S x (L - 1) = 12, exactly what b and c still held: 2 x 4
      assertEquals(5, lease);
      assertEquals(2 * (lease - 1), afterRefusal);
      assertFalse(admit(a, owner), "a spent its lease before Redis refused it: nothing is left");
      assertEquals(100, admitted + afterRefusal, "every admitted call was taken from Redis");
      // reported states count what the lease still holds
      LimitState s =
          new LeasingLimiter(sa.sharedLimiter(), 10, LONG_TTL)
              .acquire(LimitOwner.key("lease0000002"), List.of(HUNDRED_PER_HOUR), 1)
              .join()
              .states()
              .get(0);
      assertEquals(99, s.remaining());
    }
  }

  @Test
  void leasingOff_passesEveryCallToRedis() {
    String ns = redis.newNamespace();
    try (RedisKeyStore sa = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), ns)) {
      LeasingLimiter a = new LeasingLimiter(sa.sharedLimiter(), 1, LONG_TTL);
      LimitOwner owner = LimitOwner.project("acme");
      SharedLimiter direct = sa.sharedLimiter();
      assertTrue(admit(a, owner));
      // without a lease, Redis has counted exactly one call
      assertEquals(
          98,
          direct.acquire(owner, List.of(HUNDRED_PER_HOUR), 1).join().states().get(0).remaining());
    }
  }
}
