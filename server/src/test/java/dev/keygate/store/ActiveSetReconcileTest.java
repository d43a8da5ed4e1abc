package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * A project's count of active keys (index, less revoked index, less expired entries of the expiring
 * set) can go stale when a two-step replace (a key outside its project's slot) is interrupted
 * between writing the record and updating the sets. A create that finds the project full then
 * reconciles the sets against the records and asks again, so a stale entry never blocks a project
 * for good. The same reconciliation migrates a project from the older layout (an active set of
 * every key, revoked keys not all indexed) on its first create. The states are written into a real
 * Redis by hand, as the crash or the older version would leave them.
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
  void create_revokeLeftOutOfTheRevokedIndex_reconciledAndCreated() {
    ApiKeyRecord first = key("rec000000001", "proj", T0);
    assertEquals(CreateOutcome.created(first.id()), store.create(first, "", 1, T0));
    assertTrue(store.replace(revoked(first, T0), first.version()));
    String revokedIndex = store.names().projectRevoked("proj");
    // the revoke's second step never ran: the key still counts
    try (Jedis jedis = jedis()) {
      jedis.zrem(revokedIndex, PageTokens.position(first));
    }

    ApiKeyRecord next = key("rec000000002", "proj", T0.plusSeconds(1));
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "", 1, T0.plusSeconds(1)));
    try (Jedis jedis = jedis()) {
      assertEquals(
          (double) T0.toEpochMilli(),
          jedis.zscore(revokedIndex, PageTokens.position(first)),
          "indexed as revoked, at its revocation time");
    }
  }

  @Test
  void create_indexEntryWithoutRecord_reconciledAndCreated() {
    try (Jedis jedis = jedis()) {
      jedis.zadd(store.names().projectKeys("proj"), 0, "1764000000000:gone00000001");
    }
    ApiKeyRecord next = key("rec000000003", "proj", T0);
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "", 1, T0));
    try (Jedis jedis = jedis()) {
      assertEquals(
          List.of(PageTokens.position(next)),
          jedis.zrange(store.names().projectKeys("proj"), 0, -1));
    }
  }

  @Test
  void create_projectReallyFull_staysFullAndSetsUntouched() {
    ApiKeyRecord first = key("rec000000004", "proj", T0);
    store.create(first, "", 1, T0);
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("rec000000005", "proj", T0), "", 1, T0).status());
    assertFalse(store.activeKeys().reconcile("proj", T0), "nothing stale, nothing changed");
  }

  @Test
  void reconcile_expiryChangedUnrecorded_scoreCorrected() {
    Instant expires = T0.plus(Duration.ofDays(30));
    ApiKeyRecord key = key("rec000000006", "proj", T0).toBuilder().expiresAt(expires).build();
    store.create(key, "", 10, T0);
    String expiring = store.names().projectExpiring("proj");
    try (Jedis jedis = jedis()) {
      // as if an update of the expiry wrote the record but not the set
      jedis.zadd(expiring, T0.toEpochMilli(), key.id());
    }
    assertTrue(store.activeKeys().reconcile("proj", T0));
    try (Jedis jedis = jedis()) {
      assertEquals((double) expires.toEpochMilli(), jedis.zscore(expiring, key.id()));
    }
    assertFalse(store.activeKeys().reconcile("proj", T0), "settled");
  }

  @Test
  void create_expiredKeysDoNotCount_andKeysWithoutExpiryCostNoSet() {
    ApiKeyRecord expiring =
        key("rec000000007", "proj", T0).toBuilder().expiresAt(T0.plusSeconds(60)).build();
    ApiKeyRecord forever = key("rec000000008", "proj", T0);
    store.create(expiring, "", 2, T0);
    store.create(forever, "", 2, T0);
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("rec000000009", "proj", T0), "", 2, T0.plusSeconds(59)).status());
    assertEquals(
        CreateOutcome.Status.CREATED,
        store.create(key("rec000000010", "proj", T0), "", 2, T0.plusSeconds(60)).status(),
        "an expiry at now has passed");
    try (Jedis jedis = jedis()) {
      assertEquals(
          List.of(expiring.id()), jedis.zrange(store.names().projectExpiring("proj"), 0, -1));
    }
  }

  @Test
  void create_projectInTheOlderLayout_migratedOnce() {
    ApiKeyRecord live = key("old000000001", "old", T0);
    ApiKeyRecord gone = key("old000000002", "old", T0);
    ApiKeyRecord expiring =
        key("old000000003", "old", T0).toBuilder().expiresAt(T0.plusSeconds(3600)).build();
    for (ApiKeyRecord k : List.of(live, gone, expiring)) {
      store.create(k, "", 10, T0);
    }
    assertTrue(store.replace(revoked(gone, T0), gone.version()));
    String legacy = store.names().legacyActive("old");
    try (Jedis jedis = jedis()) {
      // as the older version left it: an active set of every live key, the revoke unindexed
      jedis.zadd(legacy, Double.POSITIVE_INFINITY, live.id());
      jedis.zadd(legacy, T0.plusSeconds(3600).toEpochMilli(), expiring.id());
      jedis.del(store.names().projectRevoked("old"), store.names().projectExpiring("old"));
    }
    // room to spare: the create migrates the project all the same, before it counts
    ApiKeyRecord next = key("old000000004", "old", T0.plusSeconds(1));
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "", 10, T0.plusSeconds(1)));
    try (Jedis jedis = jedis()) {
      assertFalse(jedis.exists(legacy), "the active set is gone");
      assertEquals(
          List.of(PageTokens.position(gone)),
          jedis.zrange(store.names().projectRevoked("old"), 0, -1));
      assertEquals(
          List.of(expiring.id()), jedis.zrange(store.names().projectExpiring("old"), 0, -1));
    }
    // three live keys now, the revoked one not counted
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("old000000005", "old", T0), "", 3, T0.plusSeconds(2)).status());
    assertEquals(
        CreateOutcome.Status.CREATED,
        store.create(key("old000000006", "old", T0), "", 4, T0.plusSeconds(2)).status());
  }

  @Test
  void reconcile_projectLargerThanOneBatch_readsEveryPage() {
    int n = RedisActiveKeys.BATCH + 2;
    ApiKeyRecord last = null;
    for (int i = 0; i < n; i++) {
      last = key(String.format("big%09d", i), "big", T0.plusMillis(i));
      store.create(last, "", n + 1, T0);
    }
    assertTrue(store.replace(revoked(last, T0), last.version()));
    try (Jedis jedis = jedis()) {
      // the revoke of the key on the second page lost its second step
      jedis.zrem(store.names().projectRevoked("big"), PageTokens.position(last));
    }
    assertTrue(store.activeKeys().reconcile("big", T0));
    try (Jedis jedis = jedis()) {
      assertEquals(
          List.of(PageTokens.position(last)),
          jedis.zrange(store.names().projectRevoked("big"), 0, -1));
      assertEquals(n, jedis.zcard(store.names().projectKeys("big")), "no index entry dropped");
    }
  }
}
