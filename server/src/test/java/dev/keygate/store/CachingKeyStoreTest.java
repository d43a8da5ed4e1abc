package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The verified-key cache over a real Redis: two caches on one namespace stand for two keygate
 * instances. Cache clocks are frozen fake tickers, so no entry ever expires by time in these tests:
 * whatever a test sees change, invalidation changed.
 */
@ExtendWith(RedisServerExtension.class)
class CachingKeyStoreTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final CachingKeyStore.Settings SETTINGS =
      new CachingKeyStore.Settings(1_000, Duration.ofHours(1), Duration.ofSeconds(1));

  private final TestRedis redis;
  private final String namespace;
  private final CachingKeyStore a;
  private final CachingKeyStore b;

  CachingKeyStoreTest(TestRedis redis) {
    this.redis = redis;
    this.namespace = redis.newNamespace();
    this.a = open(redis.url(), namespace);
    this.b = open(redis.url(), namespace);
  }

  private static CachingKeyStore open(String url, String namespace) {
    RedisKeyStore store = RedisKeyStore.connect(url, TIMEOUT, namespace);
    CachingKeyStore cache = new CachingKeyStore(store, SETTINGS, new FakeTicker());
    store.listenForInvalidations(cache);
    Eventually.await("invalidation subscription", cache::isLive);
    return cache;
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  /** HGETALL calls the Redis server has answered so far (all namespaces). */
  private long hgetallCalls() {
    URI uri = URI.create(redis.url());
    try (Jedis jedis = new Jedis(uri)) {
      String stats = jedis.info("commandstats");
      for (String line : stats.split("\r?\n")) {
        if (line.startsWith("cmdstat_hgetall:")) {
          String calls = line.substring(line.indexOf("calls=") + 6);
          return Long.parseLong(calls.substring(0, calls.indexOf(',')));
        }
      }
      return 0;
    }
  }

  /** Writes through {@code a}, then waits until both caches have handled its message. */
  private void createAndAwaitMessages(ApiKeyRecord key) {
    long beforeA = a.invalidationsReceived();
    long beforeB = b.invalidationsReceived();
    a.create(key, "", 100, T0);
    Eventually.await(
        "messages handled",
        () -> a.invalidationsReceived() > beforeA && b.invalidationsReceived() > beforeB);
  }

  @Test
  void find_hotKey_servedWithoutRedisCommand() {
    ApiKeyRecord key = key("hot000000001", "proj", T0);
    createAndAwaitMessages(key);
    assertTrue(a.find(key.id()).isPresent());

    long before = hgetallCalls();
    for (int i = 0; i < 100; i++) {
      assertEquals(key.id(), a.find(key.id()).orElseThrow().id());
    }
    assertEquals(before, hgetallCalls());
    assertTrue(a.stats().hitCount() >= 100);
  }

  @Test
  void revokeOnOneInstance_otherInstanceSeesItWithoutExpiry() {
    ApiKeyRecord key = key("rev000000001", "proj", T0);
    createAndAwaitMessages(key);
    assertFalse(b.find(key.id()).orElseThrow().isRevoked()); // now cached in b

    assertTrue(a.replace(revoked(key, T0.plusSeconds(1)), key.version()));

    // the writer's own cache drops it synchronously
    assertTrue(a.find(key.id()).orElseThrow().isRevoked());
    // the other instance's frozen cache can only change through the pub/sub message
    Eventually.await("b sees the revocation", () -> b.find(key.id()).orElseThrow().isRevoked());
  }

  @Test
  void scopeChangeOnOneInstance_otherInstanceSeesNewScopes() {
    ApiKeyRecord key = key("scp000000001", "proj", T0);
    createAndAwaitMessages(key);
    assertEquals(List.of("tasks:read"), b.find(key.id()).orElseThrow().scopes());

    ApiKeyRecord narrowed = key.toBuilder().scopes(List.of("tasks:list")).version(2).build();
    assertTrue(a.replace(narrowed, 1));

    Eventually.await(
        "b sees the new scopes",
        () -> b.find(key.id()).orElseThrow().scopes().equals(List.of("tasks:list")));
  }

  @Test
  void unknownId_negativeCachedUntilCreatedElsewhere() {
    String id = "neg000000001";
    assertEquals(Optional.empty(), b.find(id));
    long before = hgetallCalls();
    assertEquals(Optional.empty(), b.find(id));
    assertEquals(before, hgetallCalls(), "a repeated unknown id must not reach Redis");

    a.create(key(id, "proj", T0), "", 100, T0);

    Eventually.await("b forgets the negative entry", () -> b.find(id).isPresent());
  }

  @Test
  void adminReads_bypassCache() {
    ApiKeyRecord key = key("adm000000001", "proj", T0);
    a.create(key, "", 100, T0);
    a.find(key.id());
    long before = hgetallCalls();
    a.authoritative().find(key.id());
    assertEquals(before + 1, hgetallCalls());
  }

  @Test
  void cacheSize_bounded() {
    CachingKeyStore small;
    RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, namespace);
    small =
        new CachingKeyStore(
            store,
            new CachingKeyStore.Settings(10, Duration.ofHours(1), Duration.ofHours(1)),
            new FakeTicker());
    try (small) {
      small.connected(); // no listener: nothing writes in this test
      for (int i = 0; i < 200; i++) {
        small.find(String.format("bnd%09d", i));
      }
      // full, not empty: a cache that kept nothing would pass an upper bound alone
      assertEquals(10, small.size());
    }
  }

  @Test
  void subscriptionLost_cacheBypassedThenResumes() {
    try (RedisServer own = RedisServer.start()) {
      CachingKeyStore cache = open(own.url(), "kg");
      try (cache) {
        ApiKeyRecord key = key("out000000001", "proj", T0);
        cache.create(key, "", 100, T0);
        assertTrue(cache.find(key.id()).isPresent());

        own.kill();
        Eventually.await("listener notices", () -> !cache.isLive());
        // never the cached record while invalidations cannot arrive
        assertThrows(StoreUnavailableException.class, () -> cache.find(key.id()));

        own.restart(); // empty: the key is gone, and a stale cache would still have it
        Eventually.await("listener resubscribes", cache::isLive);
        assertEquals(Optional.empty(), cache.find(key.id()));
      }
    }
  }
}
