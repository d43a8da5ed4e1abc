package dev.keygate.client;

import static dev.keygate.client.Sidecar.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.RevokeKeyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link KeygateClient} against the real keygate sidecar on a free loopback port: keys created
 * through KeyAdmin, every decision and its typed error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeygateClientTest {
  private Sidecar keygate;
  private KeygateClient client;

  @BeforeAll
  void startKeygate() {
    keygate = new Sidecar();
    client = keygate.client;
  }

  @AfterAll
  void stopKeygate() {
    keygate.close();
  }

  private CreateKeyResponse createKey(List<String> scopes, int rateLimit) {
    return keygate.createKey(scopes, rateLimit);
  }

  @Test
  void authorize_allowedKeyReturnsDecision() {
    CreateKeyResponse created = createKey(List.of("tasks:read", "tasks:write"), 0);
    var decision = client.authorize(created.getSecret(), List.of("tasks:read"));
    assertEquals(created.getKey().getId(), decision.getKeyId());
    assertEquals("java-e2e", decision.getProject());
    assertEquals(List.of("tasks:read", "tasks:write"), decision.getGrantedScopesList());
  }

  @Test
  void fromEnv_readsKeygateAddr() {
    try (var fromEnv =
        KeygateClient.fromEnv(Map.of("KEYGATE_ADDR", "127.0.0.1:" + keygate.server.port()))) {
      CreateKeyResponse created = createKey(List.of("tasks:read"), 0);
      assertEquals(
          created.getKey().getId(), fromEnv.authorize(created.getSecret(), List.of()).getKeyId());
    }
  }

  @Test
  void authorize_missingKeyIsUnauthenticated() {
    var denied =
        assertThrows(KeygateDenied.class, () -> client.authorize("", List.of("tasks:read")));
    assertEquals(
        List.of(Status.Code.UNAUTHENTICATED, "KEY_MISSING", 401),
        List.of(denied.code(), denied.reason(), denied.httpStatus()));
  }

  @Test
  void authorize_malformedKeyIsUnauthenticatedAndNotEchoed() {
    var denied =
        assertThrows(KeygateDenied.class, () -> client.authorize("kg_live_not-a-key", List.of()));
    assertEquals("KEY_MALFORMED", denied.reason());
    assertFalse(denied.getMessage().contains("kg_live_not-a-key"));
  }

  @Test
  void authorize_revokedKeyIsUnauthenticated() {
    CreateKeyResponse created = createKey(List.of("tasks:read"), 0);
    keygate
        .admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder().setId(created.getKey().getId()).setReason("e2e").build());
    var denied =
        assertThrows(
            KeygateDenied.class,
            () -> client.authorize(created.getSecret(), List.of("tasks:read")));
    assertEquals("KEY_REVOKED", denied.reason());
  }

  @Test
  void authorize_missingScopeIsPermissionDenied() {
    CreateKeyResponse created = createKey(List.of("tasks:read"), 0);
    var denied =
        assertThrows(
            KeygateDenied.class,
            () -> client.authorize(created.getSecret(), List.of("tasks:delete")));
    assertEquals(
        List.of(Status.Code.PERMISSION_DENIED, "SCOPE_MISSING", 403),
        List.of(denied.code(), denied.reason(), denied.httpStatus()));
    assertEquals("tasks:delete", denied.metadata().get("missing_scopes"));
  }

  @Test
  void authorize_overLimitIsRateLimitedWithRetryAfterAndQuota() {
    CreateKeyResponse created = createKey(List.of("tasks:read"), 1);
    assertEquals(
        0,
        client.authorize(created.getSecret(), List.of("tasks:read")).getRateLimit().getRemaining());
    var denied =
        assertThrows(
            KeygateDenied.class,
            () -> client.authorize(created.getSecret(), List.of("tasks:read")));
    assertEquals(
        List.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", 429),
        List.of(denied.code(), denied.reason(), denied.httpStatus()));
    var retryAfter = denied.retryAfter().orElseThrow();
    assertTrue(
        !retryAfter.isNegative()
            && !retryAfter.isZero()
            && retryAfter.compareTo(java.time.Duration.ofHours(1)) <= 0,
        retryAfter::toString);
    assertEquals("key:" + created.getKey().getId(), denied.quotaViolations().get(0).getSubject());
  }

  @Test
  void admin_badTokenDecodesAdminCredentialInvalid() {
    var e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                client
                    .admin()
                    .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(
                            bearer("wrong-token-wrong-token")))
                    .getKey(GetKeyRequest.newBuilder().setId("x").build()));
    assertEquals("ADMIN_CREDENTIAL_INVALID", KeygateDenied.from(e).reason());
  }

  @Test
  void authorize_sidecarDownIsUnavailable() {
    try (var down = KeygateClient.forAddress("127.0.0.1:1")) {
      var denied =
          assertThrows(KeygateDenied.class, () -> down.authorize("kg_live_whatever", List.of()));
      assertEquals(List.of("UNAVAILABLE", 503), List.of(denied.reason(), denied.httpStatus()));
    }
  }
}
