package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.Health;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.StatusProto;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code KEYGATE_REDIS_FAILURE=stale} through the real services while the test SIGKILLs an
 * append-only redis-server and restarts it: keys confirmed before the outage keep working, for the
 * max age only; revoked, unknown and never-confirmed keys are never allowed; administration fails
 * with UNAVAILABLE; usage counted during the outage is written afterwards. The cache's clock is a
 * fake ticker, so only the test ages a record.
 */
class StalePolicyTest {
  private static final Duration MAX_AGE = Duration.ofMinutes(2);

  private final RedisServer redis =
      RedisServer.start("--appendonly", "yes", "--appendfsync", "everysec");
  private final FakeTicker ticker = new FakeTicker();
  private final InProcessKeygate kg =
      InProcessKeygate.overRedis(
          redis.url(),
          "kg",
          ticker,
          Map.of(
              "KEYGATE_REDIS_TIMEOUT", "200ms",
              "KEYGATE_REDIS_FAILURE", "stale",
              "KEYGATE_REDIS_STALE_MAX_AGE", "2m"));
  private final CachingKeyStore cache = (CachingKeyStore) kg.app.store();

  @AfterEach
  void stop() {
    kg.close();
    redis.close();
  }

  private String check(String secret) {
    return kg.authorize()
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build())
        .getKeyId();
  }

  /** Runs an admin write and waits until its invalidation message came back. */
  private <T> T written(java.util.function.Supplier<T> write) {
    long before = cache.invalidationsReceived();
    T result = write.get();
    Eventually.await("own invalidation", () -> cache.invalidationsReceived() > before);
    return result;
  }

  private static String outcome(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    String reason = "";
    if (status != null) {
      for (var any : status.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          try {
            reason = any.unpack(ErrorInfo.class).getReason();
          } catch (InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
          }
        }
      }
    }
    return e.getStatus().getCode() + " " + reason;
  }

  @Test
  void outage_confirmedKeysAllowedRevokedUnknownAndUnconfirmedNever() throws Exception {
    Eventually.await("invalidation subscription", cache::isLive);
    kg.app.health().poll();
    CreateKeyResponse valid = written(() -> kg.createKey("tasks:read"));
    CreateKeyResponse unconfirmed = written(() -> kg.createKey("tasks:read"));
    CreateKeyResponse revoked = written(() -> kg.createKey("tasks:read"));
    written(
        () ->
            kg.admin()
                .revokeKey(RevokeKeyRequest.newBuilder().setId(revoked.getKey().getId()).build()));
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String unknown = format.newSecret(KeyKind.LIVE, format.newKeyId());
    assertEquals(valid.getKey().getId(), check(valid.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(revoked.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> check(unknown));

    redis.kill();
    Eventually.await("listener notices", () -> !cache.isLive());
    kg.app.health().poll();
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), "keygate.v1.Authorize"));

    for (int i = 0; i < 5; i++) {
      assertEquals(valid.getKey().getId(), check(valid.getSecret()));
      // as Redis last described it, or not at all: never allowed
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> check(revoked.getSecret()));
      assertTrue(
          outcome(e).equals("UNAUTHENTICATED KEY_REVOKED")
              || outcome(e).equals("UNAVAILABLE STORE_UNAVAILABLE"),
          outcome(e));
      assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(unknown));
      assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(unconfirmed.getSecret()));
    }
    assertTrue(cache.staleAnswers() >= 5, "answers from stale records: " + cache.staleAnswers());
    // a wrong secret for a remembered id is still only KEY_UNKNOWN
    String forged = format.newSecret(KeyKind.LIVE, valid.getKey().getId());
    assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> check(forged));

    var status = assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> kg.createKey("x:y"));
    assertTrue(status.getMessage().contains("unreachable"), status.getMessage());
    assertDenied(
        Code.UNAVAILABLE,
        "STORE_UNAVAILABLE",
        () ->
            kg.admin()
                .revokeKey(RevokeKeyRequest.newBuilder().setId(valid.getKey().getId()).build()));
    assertDenied(
        Code.UNAVAILABLE,
        "STORE_UNAVAILABLE",
        () -> kg.admin().getKey(GetKeyRequest.newBuilder().setId(valid.getKey().getId()).build()));
    // counts made now cannot be written; they must wait, not vanish
    assertThrows(RuntimeException.class, kg.app.usage()::flush);

    redis.restart(); // append-only: keys and the revocation come back
    Eventually.await("listener resubscribes", cache::isLive);
    kg.app.health().poll();
    assertEquals(ServingStatus.SERVING, Health.status(kg.channel(), "keygate.v1.Authorize"));
    assertEquals(valid.getKey().getId(), check(valid.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(revoked.getSecret()));
    kg.app.usage().flush();
    assertEquals(
        7,
        kg.admin()
            .getKey(GetKeyRequest.newBuilder().setId(valid.getKey().getId()).build())
            .getUsage()
            .getTotal());
  }

  @Test
  void outage_confirmationOlderThanMaxAge_unavailable() {
    Eventually.await("invalidation subscription", cache::isLive);
    CreateKeyResponse valid = written(() -> kg.createKey("tasks:read"));
    assertEquals(valid.getKey().getId(), check(valid.getSecret()));

    redis.kill();
    Eventually.await("listener notices", () -> !cache.isLive());
    ticker.advance(MAX_AGE.minusSeconds(1));
    assertEquals(valid.getKey().getId(), check(valid.getSecret()));
    ticker.advance(Duration.ofSeconds(2));
    assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(valid.getSecret()));
  }
}
