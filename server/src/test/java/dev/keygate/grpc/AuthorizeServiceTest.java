package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static dev.keygate.testing.InProcessKeygate.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyKind;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.key.KeyFormat;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthorizeServiceTest {
  private final InProcessKeygate kg = new InProcessKeygate();

  @AfterEach
  void close() {
    kg.close();
  }

  private CheckResponse check(String key, String... scopes) {
    return kg.authorize()
        .check(CheckRequest.newBuilder().setKey(key).addAllRequiredScopes(List.of(scopes)).build());
  }

  @Test
  void check_validKeyWithScopeIsAllowed() {
    CreateKeyResponse created = kg.createKey("tasks:read", "users:*");
    CheckResponse ok = check(created.getSecret(), "tasks:read", "users:delete");
    assertEquals(created.getKey().getId(), ok.getKeyId());
    assertEquals("acme", ok.getProject());
    assertEquals(KeyKind.KEY_KIND_LIVE, ok.getKind());
    assertEquals(List.of("tasks:read", "users:*"), ok.getGrantedScopesList());
    assertEquals("test key", ok.getKeyName());
    assertFalse(ok.hasRateLimit(), "no limit configured, none reported");
  }

  @Test
  void check_adminTokenAsTheKey_neverAcceptedOutsideKeyAdmin() {
    // the bootstrap token is recognized inside the shared decision call, for KeyAdmin only: on
    // Authorize it is just a string that is not a key, in the request and as a Bearer credential
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MALFORMED",
        () ->
            kg.authorize()
                .check(CheckRequest.newBuilder().setKey(InProcessKeygate.ADMIN_TOKEN).build()));
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MALFORMED",
        () ->
            withBearer(kg.authorize(), InProcessKeygate.ADMIN_TOKEN)
                .check(CheckRequest.newBuilder().build()));
  }

  @Test
  void check_noRequiredScopesAcceptsAnyValidKey() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    assertEquals(created.getKey().getId(), check(created.getSecret()).getKeyId());
  }

  @Test
  void check_keyFromBearerMetadata() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    CheckResponse ok =
        withBearer(kg.authorize(), created.getSecret())
            .check(CheckRequest.newBuilder().addRequiredScopes("tasks:read").build());
    assertEquals(created.getKey().getId(), ok.getKeyId());
  }

  @Test
  void check_keyFromXApiKeyMetadata() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    CheckResponse ok =
        withHeader(kg.authorize(), "x-api-key", created.getSecret())
            .check(CheckRequest.getDefaultInstance());
    assertEquals(created.getKey().getId(), ok.getKeyId());
  }

  @Test
  void check_missingKey_unauthenticated() {
    assertDenied(Code.UNAUTHENTICATED, "KEY_MISSING", () -> check(""));
  }

  @Test
  void check_malformedKey_unauthenticated() {
    assertDenied(Code.UNAUTHENTICATED, "KEY_MALFORMED", () -> check("not-a-key"));
  }

  @Test
  void check_badChecksum_unauthenticated() {
    String secret = kg.createKey("tasks:read").getSecret();
    String typo = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
    assertDenied(Code.UNAUTHENTICATED, "KEY_MALFORMED", () -> check(typo));
  }

  @Test
  void check_unknownKey_unauthenticated() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String stranger = format.newSecret(dev.keygate.key.KeyKind.LIVE, format.newKeyId());
    assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> check(stranger));
  }

  @Test
  void check_knownIdWrongSecret_unauthenticatedAsUnknown() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String forged = format.newSecret(dev.keygate.key.KeyKind.LIVE, created.getKey().getId());
    var status = assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> check(forged));
    // a wrong secret learns nothing about the key, not even its id
    assertFalse(detail(status, ErrorInfo.class).getMetadataMap().containsKey("key_id"));
  }

  @Test
  void check_expiredKey_unauthenticated() {
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("short-lived")
                    .addScopes("tasks:read")
                    .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 3_600_000))
                    .build());
    assertEquals(created.getKey().getId(), check(created.getSecret(), "tasks:read").getKeyId());
    kg.clock.advance(java.time.Duration.ofHours(1));
    assertDenied(Code.UNAUTHENTICATED, "KEY_EXPIRED", () -> check(created.getSecret()));
  }

  @Test
  void check_revokedKey_unauthenticatedAtOnce() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    check(created.getSecret());
    kg.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder()
                .setId(created.getKey().getId())
                .setReason("leaked")
                .build());
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(created.getSecret()));
  }

  @Test
  void check_rotatedKeyPastGrace_unauthenticatedRevoked() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    var rotated =
        kg.admin()
            .rotateKey(
                RotateKeyRequest.newBuilder()
                    .setId(created.getKey().getId())
                    .setGracePeriod(Duration.newBuilder().setSeconds(60))
                    .build());
    assertEquals(created.getKey().getId(), check(created.getSecret()).getKeyId());
    assertEquals(created.getKey().getId(), check(rotated.getSecret()).getKeyId());
    kg.clock.advance(java.time.Duration.ofSeconds(60));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(created.getSecret()));
    assertEquals(created.getKey().getId(), check(rotated.getSecret()).getKeyId());
  }

  @Test
  void check_otherEnvironmentKey_unauthenticated() {
    CreateKeyResponse test =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("test kind")
                    .addScopes("tasks:read")
                    .setKind(KeyKind.KEY_KIND_TEST)
                    .build());
    assertTrue(test.getSecret().startsWith("kg_test_"));
    assertDenied(Code.UNAUTHENTICATED, "KEY_ENVIRONMENT_MISMATCH", () -> check(test.getSecret()));
  }

  @Test
  void check_scopeMissing_permissionDeniedNamingTheScope() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    var status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "SCOPE_MISSING",
            () -> check(created.getSecret(), "tasks:read", "tasks:delete"));
    assertEquals(
        "tasks:delete", detail(status, ErrorInfo.class).getMetadataOrThrow("missing_scopes"));
  }

  @Test
  void check_rateLimited_resourceExhaustedWithRetryInfoAndQuotaFailure() {
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("limited")
                    .addScopes("tasks:read")
                    .setRateLimit(
                        RateLimit.newBuilder()
                            .setRequests(2)
                            .setPeriod(Duration.newBuilder().setSeconds(3600)))
                    .build());
    CheckResponse first = check(created.getSecret());
    assertEquals(2, first.getRateLimit().getLimit());
    assertEquals(1, first.getRateLimit().getRemaining());
    assertTrue(Timestamps.toMillis(first.getRateLimit().getResetAt()) > kg.clock.millis());
    assertEquals(0, check(created.getSecret()).getRateLimit().getRemaining());
    var status =
        assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(created.getSecret()));
    Duration retry = detail(status, RetryInfo.class).getRetryDelay();
    assertTrue(retry.getSeconds() > 0 && retry.getSeconds() <= 3600, "retry " + retry);
    QuotaFailure quota = detail(status, QuotaFailure.class);
    assertEquals("key:" + created.getKey().getId(), quota.getViolations(0).getSubject());
  }

  @Test
  void check_defaultRateLimitAppliesToKeysWithoutOwnLimit() {
    try (InProcessKeygate limited =
        new InProcessKeygate(java.util.Map.of("KEYGATE_DEFAULT_RATE_LIMIT", "1/1h"))) {
      String secret = limited.createKey("tasks:read").getSecret();
      var request = CheckRequest.newBuilder().setKey(secret).build();
      assertEquals(1, limited.authorize().check(request).getRateLimit().getLimit());
      assertDenied(
          Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> limited.authorize().check(request));
    }
  }

  @Test
  void check_invalidRequiredScope_invalidArgument() {
    String secret = kg.createKey("tasks:read").getSecret();
    var status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () -> check(secret, "tasks:read", "NOT A SCOPE"));
    assertEquals(
        "required_scopes[1]", detail(status, BadRequest.class).getFieldViolations(0).getField());
  }

  @Test
  void check_denialsNeverEchoTheKey() {
    String secret = kg.createKey("tasks:read").getSecret();
    var status =
        assertDenied(Code.PERMISSION_DENIED, "SCOPE_MISSING", () -> check(secret, "admin:*"));
    assertFalse(status.toString().contains(secret));
  }
}
