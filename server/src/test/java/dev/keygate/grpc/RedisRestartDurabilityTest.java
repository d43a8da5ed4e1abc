package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A SIGKILLed and restarted redis-server with append-only persistence keeps every key, revocation,
 * rotation and flushed usage count; usage counted while it was down is written once it is back. The
 * same run without persistence loses the keys, which shows what the first test guards.
 */
class RedisRestartDurabilityTest {

  private static String check(InProcessKeygate kg, String secret) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build()).getKeyId();
  }

  private static ApiKey get(InProcessKeygate kg, String id) {
    return kg.admin().getKey(GetKeyRequest.newBuilder().setId(id).build());
  }

  /** Checks until Redis answers again after a restart (idle connections die with the old one). */
  private static void awaitBack(InProcessKeygate kg, String secret) {
    Eventually.await(
        "Redis answers again",
        () -> {
          try {
            check(kg, secret);
            return true;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() != Code.UNAVAILABLE;
          }
        });
  }

  @Test
  void appendOnlyRestart_keysRevocationsRotationsAndUsageSurvive() {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "everysec");
        InProcessKeygate kg =
            InProcessKeygate.overRedis(
                redis.url(),
                "kg",
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
                Map.of())) {
      CreateKeyResponse used = kg.createKey("tasks:read");
      CreateKeyResponse revoked = kg.createKey("tasks:read");
      CreateKeyResponse rotated = kg.createKey("tasks:read");
      kg.admin()
          .revokeKey(
              RevokeKeyRequest.newBuilder()
                  .setId(revoked.getKey().getId())
                  .setReason("leaked")
                  .build());
      String newSecret =
          kg.admin()
              .rotateKey(RotateKeyRequest.newBuilder().setId(rotated.getKey().getId()).build())
              .getSecret();
      for (int i = 0; i < 5; i++) {
        check(kg, used.getSecret());
      }
      kg.app.usage().flush();
      for (int i = 0; i < 3; i++) {
        check(kg, used.getSecret()); // counted, not yet written
      }

      awaitAofWritten(redis);
      redis.kill();
      awaitNoticed(kg);
      // the pending counts cannot be written now; they stay pending
      assertTrue(assertFails(() -> kg.app.usage().flush()));
      redis.restart();
      awaitBack(kg, used.getSecret()); // one more allowed check, still pending

      assertEquals(5, get(kg, used.getKey().getId()).getUsage().getTotal());
      kg.app.usage().flush();
      assertEquals(9, get(kg, used.getKey().getId()).getUsage().getTotal());
      assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(kg, revoked.getSecret()));
      assertEquals("leaked", get(kg, revoked.getKey().getId()).getRevokeReason());
      assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(kg, rotated.getSecret()));
      assertEquals(rotated.getKey().getId(), check(kg, newSecret));
      assertEquals(
          3,
          kg.admin()
              .listKeys(
                  ListKeysRequest.newBuilder().setProject("acme").setIncludeRevoked(true).build())
              .getKeysCount());
    }
  }

  @Test
  void noPersistenceRestart_keysAreGone() {
    try (RedisServer redis = RedisServer.start();
        InProcessKeygate kg =
            InProcessKeygate.overRedis(
                redis.url(),
                "kg",
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(),
                Map.of())) {
      CreateKeyResponse key = kg.createKey("tasks:read");
      assertEquals(key.getKey().getId(), check(kg, key.getSecret()));

      redis.kill();
      awaitNoticed(kg);
      redis.restart();
      awaitBack(kg, key.getSecret());

      assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> check(kg, key.getSecret()));
    }
  }

  /**
   * Waits until Redis has written every acknowledged write to its append-only file. With {@code
   * everysec}, while a background fsync is still running (a busy disk: the full build on a shared
   * machine) Redis postpones the write for up to 2 s and replies anyway, so a SIGKILL in that
   * moment loses acknowledged writes; this test is about what the file holds, not about the disk's
   * speed.
   */
  private static void awaitAofWritten(RedisServer redis) {
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      Eventually.await(
          "AOF buffer written", () -> jedis.info("persistence").contains("aof_buffer_length:0"));
    }
  }

  /** The cache stops serving once its subscription is gone: later reads reach the new Redis. */
  private static void awaitNoticed(InProcessKeygate kg) {
    CachingKeyStore cache = (CachingKeyStore) kg.app.store();
    Eventually.await("listener notices", () -> !cache.isLive());
  }

  private static boolean assertFails(Runnable call) {
    try {
      call.run();
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }
}
