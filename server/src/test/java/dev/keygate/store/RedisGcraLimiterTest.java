package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.SharedLimiter;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.util.JedisClusterCRC16;

/** GCRA in Redis: counts shared by every store on the namespace, state in the key's slot. */
@ExtendWith(RedisServerExtension.class)
class RedisGcraLimiterTest {
  private final TestRedis redis;

  RedisGcraLimiterTest(TestRedis redis) {
    this.redis = redis;
  }

  @Test
  void acquire_sharedAcrossStores_admitsTheLimitThenRefuses() {
    String ns = redis.newNamespace();
    RateLimitSpec spec = new RateLimitSpec(5, Duration.ofHours(1));
    try (RedisKeyStore a = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), ns);
        RedisKeyStore b = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), ns)) {
      SharedLimiter la = a.sharedLimiter();
      SharedLimiter lb = b.sharedLimiter();
      int remainingBefore = 5;
      for (int i = 0; i < 5; i++) {
        LimitState s = (i % 2 == 0 ? la : lb).acquire("gcra00000001", spec);
        assertTrue(s.admitted(), "call " + i);
        assertTrue(s.remaining() < remainingBefore, "remaining decreases: " + s.remaining());
        remainingBefore = s.remaining();
      }
      assertEquals(0, remainingBefore);
      LimitState refused = lb.acquire("gcra00000001", spec);
      assertFalse(refused.admitted());
      // the next call refills after period / limit = 12 minutes
      assertTrue(refused.resetAfter().compareTo(Duration.ofMinutes(11)) > 0
          && refused.resetAfter().compareTo(Duration.ofMinutes(13)) < 0, refused.toString());
      // another key and another limit of the same key count separately
      assertTrue(la.acquire("gcra00000002", spec).admitted());
      assertTrue(la.acquire("gcra00000001", new RateLimitSpec(10, Duration.ofHours(1)))
          .admitted());
    }
  }

  @Test
  void stateKey_sharesTheKeysSlot() {
    try (RedisKeyStore s = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kg")) {
      String state = new RedisGcraLimiter(s)
          .stateKey("slotid000001", new RateLimitSpec(100, Duration.ofMinutes(1)));
      assertEquals(JedisClusterCRC16.getSlot(s.recordKey("slotid000001")),
          JedisClusterCRC16.getSlot(state));
    }
  }
}
