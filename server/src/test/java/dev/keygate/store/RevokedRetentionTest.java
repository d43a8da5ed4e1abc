package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Revoked keys are purged once {@code KEYGATE_REDIS_REVOKED_RETENTION} has passed since their
 * revocation, by the project's next create or revoke: record and index entries go, so ListKeys and
 * Redis memory stop growing with churn; keys revoked more recently, and live keys, stay.
 */
@ExtendWith(RedisServerExtension.class)
class RevokedRetentionTest {
  private final TestRedis redis;

  RevokedRetentionTest(TestRedis redis) {
    this.redis = redis;
  }

  @Test
  void create_afterRetention_purgesKeysRevokedLongEnoughAgo() {
    String ns = redis.newNamespace();
    try (RedisKeyStore store =
            RedisKeyStore.connect(
                RedisEndpoint.parse(redis.url()),
                Duration.ofSeconds(2),
                ns,
                RedisBounds.defaults(),
                ReplicaAcks.NONE,
                Duration.ofDays(1));
        Jedis jedis = new Jedis(URI.create(redis.url()))) {
      ApiKeyRecord old = KeyStoreContract.key("retention001", "proj", T0);
      ApiKeyRecord recent = KeyStoreContract.key("retention002", "proj", T0);
      ApiKeyRecord live = KeyStoreContract.key("retention003", "proj", T0);
      for (ApiKeyRecord k : List.of(old, recent, live)) {
        store.create(k, "", 100, T0);
      }
      assertTrue(store.replace(KeyStoreContract.revoked(old, T0), 1));
      assertTrue(store.replace(KeyStoreContract.revoked(recent, T0.plus(Duration.ofHours(1))), 1));

      // 24.5 h on: old was revoked 24.5 h ago (> 24 h), recent 23.5 h ago
      Instant later = T0.plus(Duration.ofMinutes(24 * 60 + 30));
      ApiKeyRecord next = KeyStoreContract.key("retention004", "proj", later);
      store.create(next, "", 100, later);

      assertFalse(store.find(old.id()).isPresent(), "old revoked key purged");
      assertFalse(jedis.exists(store.names().record(old.id())));
      assertTrue(store.find(recent.id()).orElseThrow().isRevoked(), "recently revoked key kept");
      assertTrue(store.find(live.id()).isPresent());
      List<String> listed =
          store.list("proj", "", 100, true).keys().stream().map(ApiKeyRecord::id).toList();
      assertEquals(List.of(recent.id(), live.id(), next.id()), listed);
      assertEquals(
          List.of(PageTokens.position(recent)),
          jedis.zrange(store.names().projectRevoked("proj"), 0, -1),
          "only the kept revoked key is still indexed for a purge");
    }
  }

  @Test
  void revoke_afterRetention_purgesKeysRevokedLongEnoughAgo() {
    try (RedisKeyStore store =
        RedisKeyStore.connect(
            RedisEndpoint.parse(redis.url()),
            Duration.ofSeconds(2),
            redis.newNamespace(),
            RedisBounds.defaults(),
            ReplicaAcks.NONE,
            Duration.ofDays(1))) {
      ApiKeyRecord old = KeyStoreContract.key("retention011", "proj", T0);
      ApiKeyRecord other = KeyStoreContract.key("retention012", "proj", T0);
      store.create(old, "", 100, T0);
      store.create(other, "", 100, T0);
      assertTrue(store.replace(KeyStoreContract.revoked(old, T0), 1));

      // no create in between: churn that only revokes purges too
      assertTrue(store.replace(KeyStoreContract.revoked(other, T0.plus(Duration.ofDays(2))), 1));

      assertFalse(store.find(old.id()).isPresent(), "old revoked key purged");
      assertEquals(
          List.of(other.id()),
          store.list("proj", "", 100, true).keys().stream().map(ApiKeyRecord::id).toList());
    }
  }
}
