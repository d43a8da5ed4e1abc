package dev.keygate.access;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.DisableKeyRequest;
import dev.keygate.api.v1.EnableKeyRequest;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.KeyState;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.config.KeygateConfig;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.NettyKeygate;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DisableKey / EnableKey through two real sidecars (Netty) sharing one real redis-server, each with
 * its verified-key cache: a key disabled through one is refused on the other, which had it cached,
 * through the invalidation alone (the cache's staleness bound is an hour), and allowed again once
 * enabled.
 */
class DisableKeyTest {
  private static final Map<String, String> ENV = Map.of("KEYGATE_CACHE_MAX_STALENESS", "1h");

  private final NettyKeygate a = NettyKeygate.start(ENV);
  private final KeygateServer b = startSecond(a);
  private final ManagedChannel toB =
      NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();

  private static KeygateServer startSecond(NettyKeygate first) {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("KEYGATE_LISTEN", "127.0.0.1:0");
    env.put("KEYGATE_REDIS_URL", first.redis.url());
    env.put("KEYGATE_REDIS_TIMEOUT", "200ms");
    env.put("KEYGATE_PEPPER", "netty-pepper-0123456789abcdef");
    env.put("KEYGATE_ADMIN_TOKEN", NettyKeygate.ADMIN_TOKEN);
    env.put("KEYGATE_SHUTDOWN_GRACE", "1s");
    return Main.start(KeygateConfig.fromEnv(env));
  }

  @AfterEach
  void close() throws InterruptedException {
    toB.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    b.stop();
    a.close();
  }

  private CachingKeyStore cacheOfB() {
    return (CachingKeyStore) b.app().store();
  }

  private static String check(ManagedChannel channel, String secret) {
    return AuthorizeGrpc.newBlockingStub(channel)
        .check(CheckRequest.newBuilder().setKey(secret).build())
        .getKeyId();
  }

  private static boolean allowed(ManagedChannel channel, String secret) {
    try {
      check(channel, secret);
      return true;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** Created through a, once b has heard the create's invalidation (it must not arrive late). */
  private CreateKeyResponse createOnA(String... scopes) {
    Eventually.await("b subscribed", cacheOfB()::isLive);
    long before = cacheOfB().invalidationsReceived();
    CreateKeyResponse key =
        a.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("seller key")
                    .addAllScopes(java.util.List.of(scopes))
                    .build());
    Eventually.await("b hears of the create", () -> cacheOfB().invalidationsReceived() > before);
    return key;
  }

  private ApiKey get(String id) {
    return a.admin().getKey(GetKeyRequest.newBuilder().setId(id).build());
  }

  @Test
  void disableKey_deniedOnSecondSidecarThatHadItCached_thenEnabledAllowed() {
    CreateKeyResponse key = createOnA("tasks:read");
    String id = key.getKey().getId();
    // b answers twice; the second is a cache hit, so b really holds the enabled record
    assertEquals(id, check(toB, key.getSecret()));
    long hits = cacheOfB().stats().hitCount();
    assertEquals(id, check(toB, key.getSecret()));
    assertEquals(hits + 1, cacheOfB().stats().hitCount());

    ApiKey disabled =
        a.admin()
            .disableKey(
                DisableKeyRequest.newBuilder().setId(id).setReason("invoice unpaid").build());
    assertEquals(KeyState.KEY_STATE_DISABLED, disabled.getState());
    assertEquals("invoice unpaid", disabled.getDisableReason());
    assertTrue(disabled.hasDisabledAt());

    // on the sidecar that wrote it: at once; PERMISSION_DENIED, a known key that may not act now
    com.google.rpc.Status status =
        assertDenied(
            Code.PERMISSION_DENIED, "KEY_DISABLED", () -> check(a.channel, key.getSecret()));
    assertEquals(id, detail(status, ErrorInfo.class).getMetadataOrThrow("key_id"));
    Eventually.await("b refuses the disabled key", () -> !allowed(toB, key.getSecret()));
    assertDenied(Code.PERMISSION_DENIED, "KEY_DISABLED", () -> check(toB, key.getSecret()));
    assertEquals(KeyState.KEY_STATE_DISABLED, get(id).getState());

    ApiKey enabled = a.admin().enableKey(EnableKeyRequest.newBuilder().setId(id).build());
    assertEquals(KeyState.KEY_STATE_ACTIVE, enabled.getState());
    assertFalse(enabled.hasDisabledAt());
    assertEquals("", enabled.getDisableReason());
    assertEquals(id, check(a.channel, key.getSecret()));
    Eventually.await("b allows the enabled key", () -> allowed(toB, key.getSecret()));
    assertEquals(KeyState.KEY_STATE_ACTIVE, get(id).getState());
  }

  @Test
  void disableKey_audited_disableAndEnableInTheTrail() {
    String id = createOnA("tasks:read").getKey().getId();
    a.admin().disableKey(DisableKeyRequest.newBuilder().setId(id).setReason("abuse").build());
    a.admin().enableKey(EnableKeyRequest.newBuilder().setId(id).build());

    for (String action : new String[] {"disable", "enable"}) {
      Eventually.await(
          action + " in the trail",
          () ->
              a
                  .admin()
                  .listEvents(
                      ListEventsRequest.newBuilder().setProject("acme").setAction(action).build())
                  .getEventsList()
                  .stream()
                  .anyMatch(
                      e ->
                          e.getKeyId().equals(id)
                              && e.getOutcome().equals("ok")
                              && e.getActor().equals("admin-token")));
    }
  }

  @Test
  void disableKey_badInput_fieldViolationsAndNothingStored() {
    CreateKeyResponse key = createOnA("tasks:read");
    String id = key.getKey().getId();

    com.google.rpc.Status status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                a.admin()
                    .disableKey(
                        DisableKeyRequest.newBuilder()
                            .setId(id)
                            .setReason("x".repeat(257))
                            .build()));
    assertEquals("reason", detail(status, BadRequest.class).getFieldViolations(0).getField());
    status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () -> a.admin().enableKey(EnableKeyRequest.newBuilder().setId("not-an-id").build()));
    assertEquals("id", detail(status, BadRequest.class).getFieldViolations(0).getField());

    assertEquals(KeyState.KEY_STATE_ACTIVE, get(id).getState());
    assertEquals(id, check(a.channel, key.getSecret()));
  }

  @Test
  void disableKey_revokedKey_refusedAndStaysRevoked() {
    String id = createOnA("tasks:read").getKey().getId();
    a.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(id).build());

    assertDenied(
        Code.FAILED_PRECONDITION,
        "KEY_ALREADY_REVOKED",
        () -> a.admin().disableKey(DisableKeyRequest.newBuilder().setId(id).build()));
    assertDenied(
        Code.FAILED_PRECONDITION,
        "KEY_ALREADY_REVOKED",
        () -> a.admin().enableKey(EnableKeyRequest.newBuilder().setId(id).build()));
    assertEquals(KeyState.KEY_STATE_REVOKED, get(id).getState());
  }

  @Test
  void disableKey_byKeyLackingTargetScopes_refused() {
    String target = createOnA("tasks:read", "billing:write").getKey().getId();
    String weakAdmin = createOnA("keys:write", "tasks:read").getSecret();
    KeyAdminGrpc.KeyAdminBlockingStub asWeak =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(a.channel), weakAdmin);

    assertDenied(
        Code.PERMISSION_DENIED,
        "TARGET_SCOPE_NOT_HELD",
        () -> asWeak.disableKey(DisableKeyRequest.newBuilder().setId(target).build()));
    assertEquals(KeyState.KEY_STATE_ACTIVE, get(target).getState());
  }

  @Test
  void disableKey_disabledAdminKey_cannotEnableItself() {
    CreateKeyResponse admin = createOnA("keys:write", "tasks:read");
    String id = admin.getKey().getId();
    a.admin().disableKey(DisableKeyRequest.newBuilder().setId(id).build());
    KeyAdminGrpc.KeyAdminBlockingStub asDisabled =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(a.channel), admin.getSecret());

    assertDenied(
        Code.PERMISSION_DENIED,
        "KEY_DISABLED",
        () -> asDisabled.enableKey(EnableKeyRequest.newBuilder().setId(id).build()));
    assertEquals(KeyState.KEY_STATE_DISABLED, get(id).getState());
  }
}
