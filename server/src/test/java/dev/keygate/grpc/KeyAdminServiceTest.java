package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.KeyState;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.ListKeysResponse;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyAdminServiceTest {
  private final InProcessKeygate kg = new InProcessKeygate();

  @AfterEach
  void close() {
    kg.close();
  }

  private static CreateKeyRequest.Builder request(String project, String... scopes) {
    return CreateKeyRequest.newBuilder()
        .setProject(project)
        .setName("key")
        .addAllScopes(List.of(scopes));
  }

  private KeyAdminGrpc.KeyAdminBlockingStub as(String secret) {
    return withBearer(kg.anonymousAdmin(), secret);
  }

  private void authorize(String secret) {
    kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build());
  }

  @Test
  void createKey_returnsSecretOnceAndGetNeverShowsIt() {
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                request("acme", "tasks:read")
                    .setDescription("ci pipeline")
                    .putMetadata("team", "platform")
                    .build());
    ApiKey key = created.getKey();
    assertTrue(created.getSecret().startsWith(key.getPrefix()), key.getPrefix());
    assertEquals("kg_live_" + key.getId(), key.getPrefix());
    assertEquals(KeyState.KEY_STATE_ACTIVE, key.getState());
    assertEquals(Map.of("team", "platform"), key.getMetadataMap());
    ApiKey fetched = kg.admin().getKey(GetKeyRequest.newBuilder().setId(key.getId()).build());
    assertEquals(key.getName(), fetched.getName());
    assertEquals("ci pipeline", fetched.getDescription());
    String secretPart = created.getSecret().substring(key.getPrefix().length());
    assertFalse(fetched.toString().contains(secretPart));
    assertFalse(fetched.toByteString().toStringUtf8().contains(secretPart));
  }

  @Test
  void createKey_invalidFieldsAllReportedAsBadRequest() {
    var status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .createKey(
                        CreateKeyRequest.newBuilder()
                            .setProject("Bad Project")
                            .setName(" ")
                            .addScopes("tasks")
                            .addScopes("tasks:read")
                            .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() - 1000))
                            .build()));
    List<String> fields =
        detail(status, BadRequest.class).getFieldViolationsList().stream()
            .map(BadRequest.FieldViolation::getField)
            .toList();
    assertEquals(List.of("project", "name", "scopes[0]", "expires_at"), fields);
  }

  @Test
  void createKey_noScopes_invalid() {
    var status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () -> kg.admin().createKey(request("acme").build()));
    assertEquals("scopes", detail(status, BadRequest.class).getFieldViolations(0).getField());
  }

  @Test
  void createKey_rateLimitOutOfRange_invalid() {
    var status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .createKey(
                        request("acme", "tasks:read")
                            .setRateLimit(
                                RateLimit.newBuilder()
                                    .setRequests(0)
                                    .setPeriod(Duration.newBuilder().setSeconds(1)))
                            .build()));
    assertEquals("rate_limit", detail(status, BadRequest.class).getFieldViolations(0).getField());
  }

  @Test
  void createKey_projectAtMaximum_failedPreconditionUntilOneIsRevoked() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(kg.admin().createKey(request("full", "tasks:read").build()).getKey().getId());
    }
    var status =
        assertDenied(
            Code.FAILED_PRECONDITION,
            "PROJECT_KEY_LIMIT",
            () -> kg.admin().createKey(request("full", "tasks:read").build()));
    assertEquals("10", detail(status, ErrorInfo.class).getMetadataOrThrow("limit"));
    kg.admin().createKey(request("other-project", "tasks:read").build());
    kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(ids.get(3)).build());
    assertNotEquals(
        "", kg.admin().createKey(request("full", "tasks:read").build()).getKey().getId());
  }

  @Test
  void createKey_repeatedRequestId_alreadyExistsWithOriginalId() {
    var req = request("acme", "tasks:read").setRequestId("deploy-42").build();
    String first = kg.admin().createKey(req).getKey().getId();
    var status =
        assertDenied(Code.ALREADY_EXISTS, "DUPLICATE_REQUEST", () -> kg.admin().createKey(req));
    assertEquals(first, detail(status, ErrorInfo.class).getMetadataOrThrow("key_id"));
    ListKeysResponse listed =
        kg.admin().listKeys(ListKeysRequest.newBuilder().setProject("acme").build());
    assertEquals(1, listed.getKeysCount());
  }

  @Test
  void getKey_unknown_notFound() {
    assertDenied(
        Code.NOT_FOUND,
        "KEY_NOT_FOUND",
        () -> kg.admin().getKey(GetKeyRequest.newBuilder().setId("AAAAAAAAAAAA").build()));
  }

  @Test
  void getKey_malformedId_invalid() {
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () -> kg.admin().getKey(GetKeyRequest.newBuilder().setId("../../etc").build()));
  }

  @Test
  void getKey_showsUsageAfterFlush() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    for (int i = 0; i < 3; i++) {
      authorize(created.getSecret());
    }
    kg.app.usage().flush();
    ApiKey key =
        kg.admin().getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build());
    assertEquals(3, key.getUsage().getTotal());
    assertEquals(3, key.getUsage().getToday());
    assertEquals(kg.clock.millis(), Timestamps.toMillis(key.getUsage().getLastUsedAt()));
    kg.clock.advance(java.time.Duration.ofDays(1));
    key = kg.admin().getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build());
    assertEquals(3, key.getUsage().getTotal());
    assertEquals(0, key.getUsage().getToday());
  }

  @Test
  void listKeys_pagesInCreationOrderAndHidesRevoked() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(kg.admin().createKey(request("acme", "tasks:read").build()).getKey().getId());
      kg.clock.advance(java.time.Duration.ofSeconds(1));
    }
    kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(ids.get(1)).build());
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListKeysResponse page =
          kg.admin()
              .listKeys(
                  ListKeysRequest.newBuilder()
                      .setProject("acme")
                      .setPageSize(2)
                      .setPageToken(token)
                      .build());
      page.getKeysList().forEach(k -> seen.add(k.getId()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 10);
    assertEquals(List.of(ids.get(0), ids.get(2), ids.get(3), ids.get(4)), seen);
    ListKeysResponse all =
        kg.admin()
            .listKeys(
                ListKeysRequest.newBuilder().setProject("acme").setIncludeRevoked(true).build());
    assertEquals(ids, all.getKeysList().stream().map(ApiKey::getId).toList());
    assertEquals(KeyState.KEY_STATE_REVOKED, all.getKeys(1).getState());
  }

  @Test
  void listKeys_badTokenAndPageSize_invalid() {
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listKeys(
                    ListKeysRequest.newBuilder()
                        .setProject("acme")
                        .setPageToken("garbage!")
                        .build()));
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listKeys(
                    ListKeysRequest.newBuilder().setProject("acme").setPageSize(5000).build()));
  }

  @Test
  void updateKey_changesOnlyMaskedFieldsAndScopesTakeEffect() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    ApiKey updated =
        kg.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(
                        ApiKey.newBuilder()
                            .setId(created.getKey().getId())
                            .setName("renamed")
                            .setDescription("ignored, not in mask")
                            .addScopes("tasks:*"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("name").addPaths("scopes"))
                    .build());
    assertEquals("renamed", updated.getName());
    assertEquals("", updated.getDescription());
    assertEquals(List.of("tasks:*"), updated.getScopesList());
    kg.authorize()
        .check(
            CheckRequest.newBuilder()
                .setKey(created.getSecret())
                .addRequiredScopes("tasks:delete")
                .build());
  }

  @Test
  void updateKey_setsAndClearsRateLimitAndExpiry() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    String id = created.getKey().getId();
    ApiKey limited =
        kg.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(
                        ApiKey.newBuilder()
                            .setId(id)
                            .setRateLimit(
                                RateLimit.newBuilder()
                                    .setRequests(1)
                                    .setPeriod(Duration.newBuilder().setSeconds(3600)))
                            .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 60_000)))
                    .setUpdateMask(
                        FieldMask.newBuilder().addPaths("rate_limit").addPaths("expires_at"))
                    .build());
    assertEquals(1, limited.getRateLimit().getRequests());
    assertTrue(limited.hasExpiresAt());
    authorize(created.getSecret());
    assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> authorize(created.getSecret()));
    ApiKey cleared =
        kg.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(ApiKey.newBuilder().setId(id))
                    .setUpdateMask(
                        FieldMask.newBuilder().addPaths("rate_limit").addPaths("expires_at"))
                    .build());
    assertFalse(cleared.hasRateLimit());
    assertFalse(cleared.hasExpiresAt());
    authorize(created.getSecret());
  }

  @Test
  void updateKey_badMask_invalid() {
    String id = kg.createKey("tasks:read").getKey().getId();
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .updateKey(
                    UpdateKeyRequest.newBuilder().setKey(ApiKey.newBuilder().setId(id)).build()));
    var status =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .updateKey(
                        UpdateKeyRequest.newBuilder()
                            .setKey(ApiKey.newBuilder().setId(id).setProject("elsewhere"))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("project"))
                            .build()));
    assertEquals("update_mask", detail(status, BadRequest.class).getFieldViolations(0).getField());
  }

  @Test
  void updateKey_revokedKey_failedPrecondition() {
    String id = kg.createKey("tasks:read").getKey().getId();
    kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(id).build());
    assertDenied(
        Code.FAILED_PRECONDITION,
        "KEY_ALREADY_REVOKED",
        () ->
            kg.admin()
                .updateKey(
                    UpdateKeyRequest.newBuilder()
                        .setKey(ApiKey.newBuilder().setId(id).setName("x"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
                        .build()));
  }

  @Test
  void revokeKey_keepsReasonAndIsIdempotent() {
    String id = kg.createKey("tasks:read").getKey().getId();
    ApiKey revoked =
        kg.admin()
            .revokeKey(
                RevokeKeyRequest.newBuilder().setId(id).setReason("leaked in CI log").build());
    assertEquals(KeyState.KEY_STATE_REVOKED, revoked.getState());
    assertEquals("leaked in CI log", revoked.getRevokeReason());
    kg.clock.advance(java.time.Duration.ofMinutes(1));
    ApiKey again =
        kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(id).setReason("second").build());
    assertEquals(revoked.getRevokedAt(), again.getRevokedAt());
    assertEquals("leaked in CI log", again.getRevokeReason());
  }

  @Test
  void rotateKey_zeroGraceRevokesOldSecretAtOnce() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    var rotated =
        kg.admin().rotateKey(RotateKeyRequest.newBuilder().setId(created.getKey().getId()).build());
    assertNotEquals(created.getSecret(), rotated.getSecret());
    assertEquals(created.getKey().getId(), rotated.getKey().getId());
    assertTrue(rotated.getKey().hasRotatedAt());
    assertFalse(rotated.getKey().hasPreviousSecretExpiresAt());
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> authorize(created.getSecret()));
    authorize(rotated.getSecret());
  }

  @Test
  void rotateKey_graceOutOfRange_invalid() {
    String id = kg.createKey("tasks:read").getKey().getId();
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .rotateKey(
                    RotateKeyRequest.newBuilder()
                        .setId(id)
                        .setGracePeriod(Duration.newBuilder().setSeconds(31L * 86400))
                        .build()));
  }

  @Test
  void adminCall_withoutCredential_unauthenticated() {
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MISSING",
        () -> kg.anonymousAdmin().createKey(request("acme", "tasks:read").build()));
  }

  @Test
  void adminCall_wrongToken_unauthenticated() {
    assertDenied(
        Code.UNAUTHENTICATED,
        "ADMIN_CREDENTIAL_INVALID",
        () -> as("wrong-admin-token-0000000").createKey(request("acme", "tasks:read").build()));
  }

  @Test
  void adminCall_keyWithoutKeysScope_permissionDenied() {
    String secret = kg.createKey("tasks:read").getSecret();
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () -> as(secret).createKey(request("acme", "tasks:read").build()));
  }

  @Test
  void adminCall_keysReadMayReadButNotWrite() {
    CreateKeyResponse reader = kg.createKey("keys:read");
    String id = reader.getKey().getId();
    assertEquals(
        id, as(reader.getSecret()).getKey(GetKeyRequest.newBuilder().setId(id).build()).getId());
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () -> as(reader.getSecret()).revokeKey(RevokeKeyRequest.newBuilder().setId(id).build()));
  }

  @Test
  void adminCall_keyManagesOnlyItsOwnProject() {
    String writer = kg.createKey("keys:write", "keys:read", "tasks:*").getSecret();
    String foreign = kg.admin().createKey(request("other", "tasks:read").build()).getKey().getId();
    assertDenied(
        Code.PERMISSION_DENIED,
        "PROJECT_MISMATCH",
        () -> as(writer).createKey(request("other", "tasks:read").build()));
    // a key of another project is answered like an id nobody has: nothing to enumerate
    assertDenied(
        Code.NOT_FOUND,
        "KEY_NOT_FOUND",
        () -> as(writer).getKey(GetKeyRequest.newBuilder().setId(foreign).build()));
    assertDenied(
        Code.PERMISSION_DENIED,
        "PROJECT_MISMATCH",
        () -> as(writer).listKeys(ListKeysRequest.newBuilder().setProject("other").build()));
    assertEquals(
        "acme", as(writer).createKey(request("acme", "tasks:read").build()).getKey().getProject());
  }

  @Test
  void adminCall_keyCannotGrantScopeItLacks() {
    String writer = kg.createKey("keys:write", "tasks:read").getSecret();
    var status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "SCOPE_ESCALATION",
            () -> as(writer).createKey(request("acme", "tasks:read", "tasks:*").build()));
    assertEquals("tasks:*", detail(status, ErrorInfo.class).getMetadataOrThrow("scopes"));
    String id = as(writer).createKey(request("acme", "tasks:read").build()).getKey().getId();
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_ESCALATION",
        () ->
            as(writer)
                .updateKey(
                    UpdateKeyRequest.newBuilder()
                        .setKey(ApiKey.newBuilder().setId(id).addScopes("admin:*"))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("scopes"))
                        .build()));
  }

  @Test
  void adminCall_revokedAdminKey_unauthenticated() {
    CreateKeyResponse writer = kg.createKey("keys:write");
    kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(writer.getKey().getId()).build());
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_REVOKED",
        () -> as(writer.getSecret()).createKey(request("acme", "tasks:read").build()));
  }

  @Test
  void adminErrors_carryNoSecrets() {
    CreateKeyResponse created = kg.createKey("tasks:read");
    var status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "SCOPE_MISSING",
            () ->
                as(created.getSecret())
                    .getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build()));
    String all =
        status.toString()
            + status.getDetailsList().stream().map(Object::toString).collect(Collectors.joining());
    assertFalse(all.contains(created.getSecret()));
    assertFalse(all.contains(InProcessKeygate.ADMIN_TOKEN));
  }
}
