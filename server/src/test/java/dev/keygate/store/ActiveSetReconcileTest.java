package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * A project's active set can go stale when a replace is interrupted between writing the record and
 * updating the set (the sidecar dies in between). A create that finds the project full then
 * reconciles the set against the records and asks again, so a stale member never blocks a project
 * for good. The stale states are written into a real Redis by hand, as the crash would leave them.
 */
@ExtendWith(RedisServerExtension.class)
class ActiveSetReconcileTest {
  private final TestRedis redis;
  private final RedisKeyStore store;

  ActiveSetReconcileTest(TestRedis redis) {
    this.redis = redis;
    this.store = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), redis.newNamespace());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Jedis jedis() {
    return new Jedis(URI.create(redis.url()));
  }

  @Test
  void create_revokedKeyLeftInActiveSet_reconciledAndCreated() {
    ApiKeyRecord first = key("rec000000001", "proj", T0);
    assertEquals(CreateOutcome.created(first.id()), store.create(first, "", 1, T0));
    assertTrue(store.replace(revoked(first, T0), first.version()));
    String active = store.names().projectActive("proj");
    // the revoke's second step never ran: the set still counts the revoked key
    try (Jedis jedis = jedis()) {
      jedis.zadd(active, Double.POSITIVE_INFINITY, first.id());
    }

    ApiKeyRecord next = key("rec000000002", "proj", T0.plusSeconds(1));
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "", 1, T0.plusSeconds(1)));
    try (Jedis jedis = jedis()) {
      assertNull(jedis.zscore(active, first.id()), "the revoked key left the set");
      assertEquals(1, jedis.zcard(active));
    }
  }

  @Test
  void create_memberWithoutRecord_reconciledAndCreated() {
    String active = store.names().projectActive("proj");
    try (Jedis jedis = jedis()) {
      jedis.zadd(active, Double.POSITIVE_INFINITY, "gone00000001");
    }
    ApiKeyRecord next = key("rec000000003", "proj", T0);
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "", 1, T0));
  }

  @Test
  void create_projectReallyFull_staysFullAndSetUntouched() {
    ApiKeyRecord first = key("rec000000004", "proj", T0);
    store.create(first, "", 1, T0);
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("rec000000005", "proj", T0), "", 1, T0).status());
    assertFalse(store.activeKeys().reconcile("proj", T0), "nothing stale, nothing changed");
  }

  @Test
  void reconcileActive_expiryChangedUnrecorded_scoreCorrected() {
    Instant expires = T0.plus(Duration.ofDays(30));
    ApiKeyRecord key = key("rec000000006", "proj", T0).toBuilder().expiresAt(expires).build();
    store.create(key, "", 10, T0);
    String active = store.names().projectActive("proj");
    try (Jedis jedis = jedis()) {
      // as if an update of the expiry wrote the record but not the set
      jedis.zadd(active, Double.POSITIVE_INFINITY, key.id());
    }
    assertTrue(store.activeKeys().reconcile("proj", T0));
    try (Jedis jedis = jedis()) {
      assertEquals((double) expires.toEpochMilli(), jedis.zscore(active, key.id()));
    }
    assertFalse(store.activeKeys().reconcile("proj", T0), "settled");
  }

  @Test
  void reconcileActive_expiredMember_removed() {
    ApiKeyRecord key =
        key("rec000000007", "proj", T0).toBuilder().expiresAt(T0.plusSeconds(60)).build();
    store.create(key, "", 10, T0);
    assertTrue(store.activeKeys().reconcile("proj", T0.plusSeconds(61)));
    try (Jedis jedis = jedis()) {
      assertNull(jedis.zscore(store.names().projectActive("proj"), key.id()));
    }
  }
}
