package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.assertDenied;
import static dev.keygate.envoy.EnvoyChecks.assertOverwrite;
import static dev.keygate.envoy.EnvoyChecks.headers;
import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.protobuf.util.Timestamps;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyKind;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.key.KeyFormat;
import dev.keygate.testing.InProcessKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.Status.Code;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ext_authz contract: CheckRequests as Envoy sends them, through a real gRPC channel to the
 * real services, and everything Envoy acts on in the answer.
 */
class EnvoyAuthorizationServiceTest {
  private InProcessKeygate kg = new InProcessKeygate();

  @AfterEach
  void close() {
    kg.close();
  }

  private CheckResponse check(EnvoyChecks request) {
    return check(kg, request.build());
  }

  static CheckResponse check(InProcessKeygate kg, CheckRequest request) {
    return AuthorizationGrpc.newBlockingStub(kg.channel()).check(request);
  }

  private static void assertAllowed(CheckResponse response, CreateKeyResponse key) {
    assertEquals(Code.OK.value(), response.getStatus().getCode(), () -> response.toString());
    assertTrue(response.hasOkResponse());
    OkHttpResponse ok = response.getOkResponse();
    assertOverwrite(ok.getHeadersList());
    assertEquals(
        Map.of(
            "x-keygate-key-id",
            key.getKey().getId(),
            "x-keygate-project",
            "acme",
            "x-keygate-scopes",
            String.join(" ", key.getKey().getScopesList()),
            "x-keygate-environment",
            "live"),
        headers(ok.getHeadersList()));
    var metadata = response.getDynamicMetadata().getFieldsMap();
    assertEquals(key.getKey().getId(), metadata.get("key_id").getStringValue());
    assertEquals("acme", metadata.get("project").getStringValue());
    assertEquals("live", metadata.get("environment").getStringValue());
    assertFalse(response.toString().contains(key.getSecret()), "the secret is never echoed");
  }

  @Test
  void check_bearerKeyWithScope_allowedWithIdentityHeadersAndKeyRemoved() {
    CreateKeyResponse key = kg.createKey("tasks:read", "tasks:write");
    CheckResponse response =
        check(
            request("GET", "/v1/tasks?page=2&sort=asc")
                .bearer(key.getSecret())
                .scope("tasks:read"));
    assertAllowed(response, key);
    assertEquals(List.of("authorization"), response.getOkResponse().getHeadersToRemoveList());
    assertEquals(
        0,
        response.getOkResponse().getResponseHeadersToAddCount(),
        "no rate limit, no RateLimit headers");
  }

  @Test
  void check_adminTokenAsBearer_neverAnAllow() {
    // the bootstrap token is a KeyAdmin credential only; to Envoy's check it is not a key
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer(InProcessKeygate.ADMIN_TOKEN).scope("tasks:read"));
    assertEquals(Code.UNAUTHENTICATED.value(), response.getStatus().getCode());
    assertEquals(401, response.getDeniedResponse().getStatus().getCodeValue());
    assertFalse(response.hasOkResponse());
  }

  @Test
  void check_xApiKey_allowedAndRemovedWhileBasicAuthorizationStays() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    CheckResponse response =
        check(
            request("GET", "/v1/tasks")
                .header("authorization", "Basic dXNlcjpwYXNz")
                .header("x-api-key", key.getSecret())
                .scope("tasks:read"));
    assertAllowed(response, key);
    // the application's own Basic credential is not keygate's to remove
    assertEquals(List.of("x-api-key"), response.getOkResponse().getHeadersToRemoveList());
  }

  @Test
  void check_rawHeaderMap_readLikeTheHeadersMap() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read").rawHeaders());
    assertAllowed(response, key);
    assertEquals(List.of("authorization"), response.getOkResponse().getHeadersToRemoveList());
  }

  @Test
  void check_clientSentIdentityHeaders_overwrittenAndOthersRemoved() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    CheckResponse response =
        check(
            request("GET", "/v1/tasks")
                .bearer(key.getSecret())
                .scope("tasks:read")
                .header("x-keygate-key-id", "someone-else")
                .header("x-keygate-project", "other-project")
                .header("x-keygate-scopes", "admin:*")
                .header("x-keygate-admin", "true"));
    assertAllowed(response, key); // identity headers carry the real values, as overwrites
    assertEquals(
        List.of("authorization", "x-keygate-admin"),
        response.getOkResponse().getHeadersToRemoveList());
  }

  @Test
  void check_removeKeyHeadersOff_keyHeaderPassesUpstream() {
    kg.close();
    kg = new InProcessKeygate(Map.of("KEYGATE_ENVOY_REMOVE_KEY_HEADERS", "false"));
    CreateKeyResponse key = kg.createKey("tasks:read");
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read"));
    assertAllowed(response, key);
    assertEquals(0, response.getOkResponse().getHeadersToRemoveCount());
  }

  @Test
  void check_customKeyHeader_onlyConfiguredHeadersRead() {
    kg.close();
    kg = new InProcessKeygate(Map.of("KEYGATE_ENVOY_KEY_HEADERS", "X-Tasks-Key"));
    CreateKeyResponse key = kg.createKey("tasks:read");
    assertAllowed(
        check(
            request("GET", "/v1/tasks").header("x-tasks-key", key.getSecret()).scope("tasks:read")),
        key);
    assertDenied(
        check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read")),
        401,
        Code.UNAUTHENTICATED,
        "KEY_MISSING");
  }

  @Test
  void check_rateLimitedKey_rateLimitHeadersThen429WithRetryAfter() {
    CreateKeyResponse key =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("limited")
                    .addScopes("tasks:read")
                    .setRateLimit(
                        RateLimit.newBuilder()
                            .setRequests(2)
                            .setPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(60)))
                    .build());
    EnvoyChecks req = request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read");
    CheckResponse first = check(req);
    assertAllowed(first, key);
    OkHttpResponse ok = first.getOkResponse();
    assertOverwrite(ok.getResponseHeadersToAddList());
    Map<String, String> limits = headers(ok.getResponseHeadersToAddList());
    assertEquals("2", limits.get("ratelimit-limit"));
    assertEquals("1", limits.get("ratelimit-remaining"));
    long reset = Long.parseLong(limits.get("ratelimit-reset"));
    assertTrue(reset >= 1 && reset <= 60, "reset " + reset);
    assertEquals(
        "0",
        headers(check(req).getOkResponse().getResponseHeadersToAddList())
            .get("ratelimit-remaining"));

    CheckResponse limited = check(req);
    JsonObject body = assertDenied(limited, 429, Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
    Map<String, String> h = headers(limited.getDeniedResponse().getHeadersList());
    long retry = Long.parseLong(h.get("retry-after"));
    assertTrue(retry >= 1 && retry <= 60, "retry-after " + retry);
    assertEquals(retry, body.get("retry_after").getAsLong());
    assertEquals("2", h.get("ratelimit-limit"));
    assertEquals("0", h.get("ratelimit-remaining"));
    assertEquals(
        key.getKey().getId(),
        limited.getDynamicMetadata().getFieldsOrThrow("key_id").getStringValue());
  }

  @Test
  void check_noKey_401KeyMissingWithPlainBearerChallenge() {
    CheckResponse response = check(request("GET", "/v1/tasks").scope("tasks:read"));
    assertDenied(response, 401, Code.UNAUTHENTICATED, "KEY_MISSING");
    assertEquals(
        "Bearer realm=\"keygate\"",
        headers(response.getDeniedResponse().getHeadersList()).get("www-authenticate"));
  }

  @Test
  void check_keyInQueryString_ignored() {
    String secret = kg.createKey("tasks:read").getSecret();
    assertDenied(
        check(request("GET", "/v1/tasks?api_key=" + secret + "&key=" + secret).scope("tasks:read")),
        401,
        Code.UNAUTHENTICATED,
        "KEY_MISSING");
  }

  @Test
  void check_malformedKey_401InvalidToken() {
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer("not-a-key").scope("tasks:read"));
    assertDenied(response, 401, Code.UNAUTHENTICATED, "KEY_MALFORMED");
    assertEquals(
        "Bearer realm=\"keygate\", error=\"invalid_token\"",
        headers(response.getDeniedResponse().getHeadersList()).get("www-authenticate"));
  }

  @Test
  void check_unknownKey_401() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String stranger = format.newSecret(dev.keygate.key.KeyKind.LIVE, format.newKeyId());
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer(stranger).scope("tasks:read"));
    assertDenied(response, 401, Code.UNAUTHENTICATED, "KEY_UNKNOWN");
    assertFalse(response.toString().contains(stranger));
  }

  @Test
  void check_expiredKey_401() {
    CreateKeyResponse key =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("short")
                    .addScopes("tasks:read")
                    .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 60_000))
                    .build());
    EnvoyChecks req = request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read");
    assertAllowed(check(req), key);
    kg.clock.advance(Duration.ofMinutes(1));
    assertDenied(check(req), 401, Code.UNAUTHENTICATED, "KEY_EXPIRED");
  }

  @Test
  void check_revokedKey_401() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    kg.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder().setId(key.getKey().getId()).setReason("leaked").build());
    CheckResponse response =
        check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read"));
    assertDenied(response, 401, Code.UNAUTHENTICATED, "KEY_REVOKED");
    assertEquals(
        key.getKey().getId(),
        response.getDynamicMetadata().getFieldsOrThrow("key_id").getStringValue());
  }

  @Test
  void check_rotatedKeyPastGrace_401Revoked() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    kg.admin().rotateKey(RotateKeyRequest.newBuilder().setId(key.getKey().getId()).build());
    assertDenied(
        check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("tasks:read")),
        401,
        Code.UNAUTHENTICATED,
        "KEY_REVOKED");
  }

  @Test
  void check_otherEnvironmentKey_401() {
    CreateKeyResponse test =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("test kind")
                    .addScopes("tasks:read")
                    .setKind(KeyKind.KEY_KIND_TEST)
                    .build());
    assertDenied(
        check(request("GET", "/v1/tasks").bearer(test.getSecret()).scope("tasks:read")),
        401,
        Code.UNAUTHENTICATED,
        "KEY_ENVIRONMENT_MISMATCH");
  }

  @Test
  void check_scopeMissing_403NamingTheScope() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    JsonObject body =
        assertDenied(
            check(request("DELETE", "/v1/tasks/42").bearer(key.getSecret()).scope("tasks:delete")),
            403,
            Code.PERMISSION_DENIED,
            "SCOPE_MISSING");
    assertEquals("tasks:delete", body.get("missing_scopes").getAsString());
    assertFalse(body.has("retry_after"));
  }

  @Test
  void check_severalScopesInContextExtension_allRequired() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    JsonObject body =
        assertDenied(
            check(
                request("POST", "/v1/tasks")
                    .bearer(key.getSecret())
                    .scope("tasks:read, tasks:write")),
            403,
            Code.PERMISSION_DENIED,
            "SCOPE_MISSING");
    assertEquals("tasks:write", body.get("missing_scopes").getAsString());
  }

  @Test
  void check_noRuleAndDefaultDeny_403RouteDeniedEvenWithGoodKey() {
    CreateKeyResponse key = kg.createKey("admin:*");
    assertDenied(
        check(request("GET", "/v1/tasks").bearer(key.getSecret())),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
  }

  @Test
  void check_contextExtensionDeny_403RouteDenied() {
    CreateKeyResponse key = kg.createKey("admin:*");
    assertDenied(
        check(request("GET", "/internal").bearer(key.getSecret()).scope("deny")),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
  }

  @Test
  void check_defaultAnyKey_anyValidKeyAllowed() {
    kg.close();
    kg = new InProcessKeygate(Map.of("KEYGATE_ROUTES_DEFAULT", "any-key"));
    CreateKeyResponse key = kg.createKey("billing:read");
    assertAllowed(check(request("GET", "/anything").bearer(key.getSecret())), key);
    assertDenied(check(request("GET", "/anything")), 401, Code.UNAUTHENTICATED, "KEY_MISSING");
  }

  @Test
  void check_invalidContextExtension_500FailsClosed() {
    CreateKeyResponse key = kg.createKey("admin:*");
    JsonObject body =
        assertDenied(
            check(request("GET", "/v1/tasks").bearer(key.getSecret()).scope("Tasks Read")),
            500,
            Code.INTERNAL,
            "ROUTE_MISCONFIGURED");
    assertTrue(body.get("message").getAsString().contains("keygate_scope"));
  }

  @Test
  void check_secretNeverInAnyDenial() {
    String secret = kg.createKey("tasks:read").getSecret();
    CheckResponse response = check(request("GET", "/v1/admin").bearer(secret).scope("admin:*"));
    assertDenied(response, 403, Code.PERMISSION_DENIED, "SCOPE_MISSING");
    assertFalse(response.toString().contains(secret));
  }
}
