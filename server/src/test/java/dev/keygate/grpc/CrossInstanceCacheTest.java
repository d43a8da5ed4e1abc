package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.FieldMask;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two keygate instances sharing one Redis, each with its verified-key cache on a frozen clock
 * (nothing expires by time): admin changes made through one take effect on the other, which had the
 * key cached, through pub/sub invalidation alone.
 */
@ExtendWith(RedisServerExtension.class)
class CrossInstanceCacheTest {
  private final InProcessKeygate a;
  private final InProcessKeygate b;

  CrossInstanceCacheTest(TestRedis redis) {
    String namespace = redis.newNamespace();
    a = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), Map.of());
    b = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), Map.of());
    for (InProcessKeygate k : List.of(a, b)) {
      CachingKeyStore cache = (CachingKeyStore) k.app.store();
      Eventually.await("subscription", cache::isLive);
    }
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private static String check(InProcessKeygate on, String secret, String... scopes) {
    return on.authorize()
        .check(
            CheckRequest.newBuilder().setKey(secret).addAllRequiredScopes(List.of(scopes)).build())
        .getKeyId();
  }

  private static boolean denied(InProcessKeygate on, String secret, String... scopes) {
    try {
      check(on, secret, scopes);
      return false;
    } catch (StatusRuntimeException e) {
      return true;
    }
  }

  /** Creates a key on a once b has handled the create's invalidation (which arrives late). */
  private CreateKeyResponse createOnA(String... scopes) {
    CachingKeyStore cacheB = (CachingKeyStore) b.app.store();
    long before = cacheB.invalidationsReceived();
    CreateKeyResponse key = a.createKey(scopes);
    Eventually.await("b hears of the create", () -> cacheB.invalidationsReceived() > before);
    return key;
  }

  /** Authorizes on b twice; the second must be a cache hit, so b really holds the record. */
  private void cachedOnB(CreateKeyResponse key) {
    assertEquals(key.getKey().getId(), check(b, key.getSecret(), "tasks:read"));
    long hits = ((CachingKeyStore) b.app.store()).stats().hitCount();
    assertEquals(key.getKey().getId(), check(b, key.getSecret(), "tasks:read"));
    assertEquals(hits + 1, ((CachingKeyStore) b.app.store()).stats().hitCount());
  }

  @Test
  void revokeOnA_deniedOnB() {
    CreateKeyResponse key = createOnA("tasks:read");
    cachedOnB(key);

    a.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder().setId(key.getKey().getId()).setReason("leaked").build());

    // on the instance that revoked: at once, synchronously
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(a, key.getSecret()));
    Eventually.await("b denies", () -> denied(b, key.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(b, key.getSecret()));
  }

  @Test
  void rotateWithoutGraceOnA_oldSecretDeniedOnB() {
    CreateKeyResponse key = createOnA("tasks:read");
    cachedOnB(key);

    RotateKeyResponse rotated =
        a.admin().rotateKey(RotateKeyRequest.newBuilder().setId(key.getKey().getId()).build());

    Eventually.await("b denies the old secret", () -> denied(b, key.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(b, key.getSecret()));
    assertEquals(key.getKey().getId(), check(b, rotated.getSecret(), "tasks:read"));
  }

  @Test
  void scopeRemovedOnA_scopeMissingOnB() {
    CreateKeyResponse key = createOnA("tasks:read", "tasks:write");
    cachedOnB(key);

    a.admin()
        .updateKey(
            UpdateKeyRequest.newBuilder()
                .setKey(ApiKey.newBuilder().setId(key.getKey().getId()).addScopes("tasks:write"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("scopes"))
                .build());

    Eventually.await("b drops the scope", () -> denied(b, key.getSecret(), "tasks:read"));
    assertDenied(
        Code.PERMISSION_DENIED, "SCOPE_MISSING", () -> check(b, key.getSecret(), "tasks:read"));
    assertEquals(key.getKey().getId(), check(b, key.getSecret(), "tasks:write"));
  }
}
