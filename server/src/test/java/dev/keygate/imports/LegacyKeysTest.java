package dev.keygate.imports;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportResult;
import dev.keygate.api.v1.ImportedKey;
import dev.keygate.imports.ImportIndex.DigestKind;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyHasher;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.Stores;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Legacy keys (an unpeppered SHA-256 from another system) on two sidecars sharing one Redis: found
 * through the digest index, upgraded to keygate's HMAC on their first successful use (the stored
 * digest changes, the SHA-256 entry is gone), and no secret is ever in Redis.
 */
@ExtendWith(RedisServerExtension.class)
class LegacyKeysTest {
  private static final Map<String, String> ENV = Map.of("KEYGATE_IMPORT_KEY_PREFIXES", "sk_live_");
  private final TestRedis redis;
  private final String namespace;
  private final InProcessKeygate a;
  private final InProcessKeygate b;

  LegacyKeysTest(TestRedis redis) {
    this.redis = redis;
    this.namespace = redis.newNamespace();
    a = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), ENV);
    b = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), ENV);
    for (InProcessKeygate k : List.of(a, b)) {
      Eventually.await("subscription", ((CachingKeyStore) k.app.store())::isLive);
    }
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private RedisKeyStore redisStore() {
    return (RedisKeyStore) Stores.backing(a.app.store());
  }

  private ImportResult importLegacy(String externalId, byte[] sha) {
    return a.admin()
        .importKeys(
            ImportKeysRequest.newBuilder()
                .addKeys(
                    ImportedKey.newBuilder()
                        .setExternalId(externalId)
                        .setKey(
                            CreateKeyRequest.newBuilder()
                                .setProject("acme")
                                .setName("legacy " + externalId)
                                .addScopes("tasks:read"))
                        .setLegacySha256(HexFormat.of().formatHex(sha))
                        .setLegacyPrefix("sk_live_"))
                .build())
        .getResults(0);
  }

  private static String check(InProcessKeygate on, String secret) {
    return on.authorize()
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build())
        .getKeyId();
  }

  private boolean exists(String key) {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      return jedis.exists(key);
    }
  }

  @Test
  void legacyKey_firstUse_upgradedToHmacOldDigestGone() {
    String secret = "sk_live_" + "L3gacyS3cretPart0123456789abcdef";
    byte[] sha = ForeignKeys.sha256(secret);
    byte[] hmac =
        new KeyHasher(InProcessKeygate.PEPPER.getBytes(StandardCharsets.UTF_8)).digest(secret);
    ImportResult imported = importLegacy("legacy-1", sha);
    assertEquals(ImportResult.Outcome.IMPORTED, imported.getOutcome(), imported.toString());
    String id = imported.getKeyId();
    RedisImportIndex index = (RedisImportIndex) Stores.importIndex(a.app.store());
    assertArrayEquals(sha, redisStore().find(id).orElseThrow().digest());
    assertTrue(exists(index.digestKey(DigestKind.LEGACY_SHA256, sha)));

    // first use, on the other sidecar
    assertEquals(id, check(b, secret));

    ApiKeyRecord upgraded = redisStore().find(id).orElseThrow();
    assertArrayEquals(hmac, upgraded.digest(), "the stored digest is keygate's HMAC now");
    assertEquals(2, upgraded.version());
    assertTrue(
        !exists(index.digestKey(DigestKind.LEGACY_SHA256, sha)), "the SHA-256 entry is gone");
    assertTrue(exists(index.digestKey(DigestKind.HMAC, hmac)));
    // and on the first sidecar, through the upgraded record
    assertEquals(id, check(a, secret));
    assertEquals(id, check(b, secret));

    String shaHex = HexFormat.of().formatHex(sha);
    String shaB64 = Base64.getUrlEncoder().withoutPadding().encodeToString(sha);
    for (String item : RedisContents.dump(redis.url(), namespace)) {
      assertTrue(!item.contains(shaHex) && !item.contains(shaB64), "old digest left: " + item);
      assertTrue(!item.contains("L3gacyS3cretPart"), "secret in Redis: " + item);
    }
  }

  @Test
  void legacyKey_wrongSecretSamePrefix_unknownNothingChanged() {
    byte[] sha = ForeignKeys.sha256("sk_live_theRealSecret0123456789abcdef");
    String id = importLegacy("legacy-2", sha).getKeyId();

    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_UNKNOWN",
        () -> check(b, "sk_live_notTheSecret0123456789abcdefg"));

    assertArrayEquals(sha, redisStore().find(id).orElseThrow().digest());
    assertEquals(1, redisStore().find(id).orElseThrow().version());
  }

  @Test
  void plainImport_noSecretInRedis() {
    String secret = "sk_live_" + "Pl41nS3cretNeverStored0123456789";
    String id =
        a.admin()
            .importKeys(
                ImportKeysRequest.newBuilder()
                    .addKeys(
                        ImportedKey.newBuilder()
                            .setExternalId("plain-1")
                            .setKey(
                                CreateKeyRequest.newBuilder()
                                    .setProject("acme")
                                    .setName("plain")
                                    .addScopes("tasks:read"))
                            .setPlainSecret(secret))
                    .build())
            .getResults(0)
            .getKeyId();
    assertEquals(id, check(b, secret));
    List<String> contents = RedisContents.dump(redis.url(), namespace);
    assertTrue(contents.size() > 3, contents.toString());
    for (String item : contents) {
      assertTrue(!item.contains("Pl41nS3cret"), "secret in Redis: " + item);
    }
  }
}
