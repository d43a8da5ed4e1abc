package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitOwner;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.SharedLimiter;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
  void acquire_beyondTheOutstandingBound_refusedAtOnceAndTheRestAnswered() throws Exception {
    // a Redis of its own, paused: the first calls wait on it, the rest queue up to the bound
    try (RedisServer own = RedisServer.start();
        RedisKeyStore store = RedisKeyStore.connect(own.url(), Duration.ofSeconds(30), "kgbound")) {
      SharedLimiter limiter = store.sharedLimiter();
      RateLimitSpec spec = new RateLimitSpec(100_000, Duration.ofHours(1));
      assertTrue(limiter.acquire("bound0000001", spec).join().admitted());
      own.pause();
      List<CompletableFuture<LimitState>> admitted = new ArrayList<>();
      for (int i = 0; i < RedisCalls.MAX_OUTSTANDING; i++) {
        admitted.add(limiter.acquire("bound0000001", spec));
      }
      CompletableFuture<LimitState> beyond = limiter.acquire("bound0000001", spec);
      // answered on return, before Redis says anything
      assertTrue(beyond.isCompletedExceptionally());
      ExecutionException e = assertThrows(ExecutionException.class, beyond::get);
      assertInstanceOf(StoreUnavailableException.class, e.getCause());
      assertEquals(1, store.limitCallsRejected());
      assertEquals(0, admitted.stream().filter(CompletableFuture::isDone).count());
      own.resume();
      for (CompletableFuture<LimitState> f : admitted) {
        assertTrue(f.get(30, TimeUnit.SECONDS).admitted());
      }
      // the permits came back: the next call is admitted again
      assertTrue(limiter.acquire("bound0000001", spec).get(30, TimeUnit.SECONDS).admitted());
    }
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
        LimitState s = (i % 2 == 0 ? la : lb).acquire("gcra00000001", spec).join();
        assertTrue(s.admitted(), "call " + i);
        assertTrue(s.remaining() < remainingBefore, "remaining decreases: " + s.remaining());
        remainingBefore = s.remaining();
      }
      assertEquals(0, remainingBefore);
      LimitState refused = lb.acquire("gcra00000001", spec).join();
      assertFalse(refused.admitted());
      // the next call refills after period / limit = 12 minutes
      assertTrue(
          refused.resetAfter().compareTo(Duration.ofMinutes(11)) > 0
              && refused.resetAfter().compareTo(Duration.ofMinutes(13)) < 0,
          refused.toString());
      // another key and another limit of the same key count separately
      assertTrue(la.acquire("gcra00000002", spec).join().admitted());
      assertTrue(
          la.acquire("gcra00000001", new RateLimitSpec(10, Duration.ofHours(1))).join().admitted());
    }
  }

  @Test
  void acquire_severalLimits_allOrNothing() {
    String ns = redis.newNamespace();
    RateLimitSpec two = new RateLimitSpec(2, Duration.ofHours(1));
    RateLimitSpec five = new RateLimitSpec(5, Duration.ofHours(1));
    try (RedisKeyStore s = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), ns)) {
      SharedLimiter l = s.sharedLimiter();
      LimitOwner owner = LimitOwner.key("multi0000001");
      assertEquals(1, l.acquire(owner, List.of(two, five), 1).join().granted());
      assertEquals(1, l.acquire(owner, List.of(two, five), 1).join().granted());
      SharedLimiter.Grant refused = l.acquire(owner, List.of(two, five), 1).join();
      assertEquals(0, refused.granted());
      assertFalse(refused.states().get(0).admitted(), "the exhausted limit is named");
      assertTrue(refused.states().get(1).admitted(), "the other could still admit");
      assertEquals(LimitScope.GLOBAL, refused.states().get(0).scope());
      // the refusal spent nothing from the limit that could admit: 5 - 2 - 1 = 2 left
      assertEquals(2, l.acquire(owner, List.of(five), 1).join().states().get(0).remaining());
    }
  }

  @Test
  void acquire_leaseGrantsWhatEveryLimitCanSpare() {
    String ns = redis.newNamespace();
    RateLimitSpec five = new RateLimitSpec(5, Duration.ofHours(1));
    try (RedisKeyStore s = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), ns)) {
      SharedLimiter l = s.sharedLimiter();
      LimitOwner owner = LimitOwner.project("acme");
      SharedLimiter.Grant g = l.acquire(owner, List.of(five), 3).join();
      assertEquals(3, g.granted());
      assertEquals(2, g.states().get(0).remaining());
      assertEquals(LimitOwner.Kind.PROJECT, g.states().get(0).subject());
      assertEquals(2, l.acquire(owner, List.of(five), 3).join().granted(), "only 2 were left");
      assertEquals(0, l.acquire(owner, List.of(five), 3).join().granted());
    }
  }

  @Test
  void projectStateKey_sharesTheProjectsSlot() {
    try (RedisKeyStore s = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kg")) {
      String state =
          new RedisSharedLimiter(s)
              .stateKey(LimitOwner.project("shop"), new RateLimitSpec(100, Duration.ofMinutes(1)));
      assertEquals(
          JedisClusterCRC16.getSlot(s.names().projectPending("shop")),
          JedisClusterCRC16.getSlot(state));
    }
  }

  @Test
  void stateKey_sharesTheKeysSlot() {
    try (RedisKeyStore s = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kg")) {
      String state =
          new RedisSharedLimiter(s)
              .stateKey("slotid000001", new RateLimitSpec(100, Duration.ofMinutes(1)));
      assertEquals(
          JedisClusterCRC16.getSlot(s.names().record("slotid000001")),
          JedisClusterCRC16.getSlot(state));
    }
  }
}
