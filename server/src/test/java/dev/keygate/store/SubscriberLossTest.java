package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Only the invalidation subscriber is lost while Redis stays up (a proxy or a {@code CLIENT KILL}
 * drops it, and a changed ACL keeps it from coming back): the cache must stop serving at once, read
 * Redis meanwhile, and, once the subscription is back, rely on invalidations again. Its own
 * redis-server, since the test changes the default user's ACL. Cache clocks are frozen: nothing
 * expires by time.
 */
class SubscriberLossTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final CachingKeyStore.Settings SETTINGS =
      new CachingKeyStore.Settings(1_000, Duration.ofHours(1), Duration.ofHours(1));

  private final RedisServer redis = RedisServer.start();
  private final CachingKeyStore writer = open();
  private final CachingKeyStore reader = open();

  private CachingKeyStore open() {
    RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, "kg");
    CachingKeyStore cache = new CachingKeyStore(store, SETTINGS, new FakeTicker());
    store.listenForInvalidations(cache);
    Eventually.await("invalidation subscription", cache::isLive);
    return cache;
  }

  @AfterEach
  void close() {
    writer.close();
    reader.close();
    redis.close();
  }

  private void redis(String... command) {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      jedis.sendCommand(Protocol.Command.valueOf(command[0]), tail(command));
    }
  }

  private static String[] tail(String[] command) {
    String[] rest = new String[command.length - 1];
    System.arraycopy(command, 1, rest, 0, rest.length);
    return rest;
  }

  @Test
  void subscriberKilledRedisUp_cacheBypassedRevocationSeenAtOnce() {
    ApiKeyRecord key = key("sub000000001", "proj", T0);
    writer.create(key, "", 100, T0);
    assertFalse(reader.find(key.id()).orElseThrow().isRevoked());

    // subscriptions refused from now on, and the live ones dropped; every other command works
    redis("ACL", "SETUSER", "default", "-subscribe", "-psubscribe", "-ssubscribe");
    redis("CLIENT", "KILL", "TYPE", "pubsub");
    Eventually.await("the reader stops trusting its cache", () -> !reader.isLive());

    long hits = reader.stats().hitCount();
    assertFalse(reader.find(key.id()).orElseThrow().isRevoked());
    assertEquals(hits, reader.stats().hitCount(), "read from Redis, not from the cache");

    // the writer's invalidation goes out while nobody can hear it
    assertTrue(writer.replace(revoked(key, T0), key.version()));
    assertTrue(reader.find(key.id()).orElseThrow().isRevoked(), "seen at once, no message needed");
  }

  @Test
  void subscriberBack_invalidationsTrustedAgain() {
    redis("ACL", "SETUSER", "default", "-subscribe", "-psubscribe", "-ssubscribe");
    redis("CLIENT", "KILL", "TYPE", "pubsub");
    Eventually.await("the reader stops trusting its cache", () -> !reader.isLive());
    redis("ACL", "SETUSER", "default", "+subscribe", "+psubscribe", "+ssubscribe");
    Eventually.await("the reader resubscribes by itself", reader::isLive);

    ApiKeyRecord key = key("sub000000002", "proj", T0);
    long heard = reader.invalidationsReceived();
    writer.create(key, "", 100, T0);
    Eventually.await("the create's message heard", () -> reader.invalidationsReceived() > heard);
    reader.find(key.id());
    long hits = reader.stats().hitCount();
    assertFalse(reader.find(key.id()).orElseThrow().isRevoked());
    assertEquals(hits + 1, reader.stats().hitCount(), "cached again");

    assertTrue(writer.replace(revoked(key, T0), key.version()));
    Eventually.await(
        "the revocation reaches the reader's cache",
        () -> reader.find(key.id()).orElseThrow().isRevoked());
  }
}
