package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static dev.keygate.testing.InProcessKeygate.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.AuditEvent;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.ListEventsResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The audit trail through the real KeyAdmin and Authorize services. */
class ListEventsTest {
  private final InProcessKeygate kg =
      new InProcessKeygate(Map.of("KEYGATE_AUDIT_FAILURE_SAMPLES", "3"));

  @AfterEach
  void close() {
    kg.close();
  }

  private KeyAdminGrpc.KeyAdminBlockingStub as(String secret) {
    return withBearer(kg.anonymousAdmin(), secret);
  }

  private List<AuditEvent> events(KeyAdminGrpc.KeyAdminBlockingStub stub, String project) {
    return stub.listEvents(ListEventsRequest.newBuilder().setProject(project).build())
        .getEventsList();
  }

  private CreateKeyResponse create(String project, String... scopes) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject(project)
                .setName("k")
                .addAllScopes(List.of(scopes))
                .build());
  }

  @Test
  void writes_eachAppendOneEventNewestFirstWithActorOutcomeAndRequestId() {
    KeyAdminGrpc.KeyAdminBlockingStub admin = withHeader(kg.admin(), "x-request-id", "req-42");
    CreateKeyResponse created =
        admin.createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .build());
    String id = created.getKey().getId();
    admin.updateKey(
        UpdateKeyRequest.newBuilder()
            .setKey(ApiKey.newBuilder().setId(id).setName("renamed"))
            .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
            .build());
    admin.rotateKey(
        RotateKeyRequest.newBuilder()
            .setId(id)
            .setGracePeriod(Duration.newBuilder().setSeconds(60))
            .build());
    admin.revokeKey(RevokeKeyRequest.newBuilder().setId(id).setReason("leaked").build());

    List<AuditEvent> events = events(kg.admin(), "acme");
    assertEquals(
        List.of("revoke", "rotate", "update", "create"),
        events.stream().map(AuditEvent::getAction).toList());
    for (AuditEvent e : events) {
      assertEquals("ok", e.getOutcome());
      assertEquals("admin-token", e.getActor());
      assertEquals(id, e.getKeyId());
      assertEquals("acme", e.getProject());
      assertEquals("req-42", e.getRequestId());
      assertEquals("admin", e.getSurface());
      assertEquals(kg.clock.millis(), Timestamps.toMillis(e.getTime()));
    }
    String all = events.toString();
    assertFalse(
        all.contains(created.getSecret().substring(created.getKey().getPrefix().length())),
        "no secret in the trail");
  }

  @Test
  void createKey_requestIdRecordedWhenNoHeader() {
    kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .setRequestId("idem-7")
                .build());
    assertEquals("idem-7", events(kg.admin(), "acme").get(0).getRequestId());
  }

  @Test
  void failedWrites_sampledIntoTheCallersOwnTrailNeverTheTargets() {
    CreateKeyResponse writer = create("acme", "keys:write", "tasks:read");
    CreateKeyResponse other = create("globex", "tasks:read");
    long before = written();
    assertDenied(
        Code.NOT_FOUND,
        "KEY_NOT_FOUND",
        () ->
            as(writer.getSecret())
                .revokeKey(RevokeKeyRequest.newBuilder().setId(other.getKey().getId()).build()));
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_ESCALATION",
        () ->
            as(writer.getSecret())
                .createKey(
                    CreateKeyRequest.newBuilder()
                        .setProject("acme")
                        .setName("k")
                        .addScopes("tasks:*")
                        .build()));
    Eventually.await("both samples written", () -> written() >= before + 2);

    List<AuditEvent> acme = events(kg.admin(), "acme");
    AuditEvent escalation = acme.get(0);
    assertEquals("create", escalation.getAction());
    assertEquals("SCOPE_ESCALATION", escalation.getOutcome());
    assertEquals("", escalation.getKeyId());
    AuditEvent mismatch = acme.get(1);
    assertEquals("revoke", mismatch.getAction());
    assertEquals("KEY_NOT_FOUND", mismatch.getOutcome());
    assertEquals(writer.getKey().getId(), mismatch.getActor());
    assertEquals(
        List.of("create"),
        events(kg.admin(), "globex").stream().map(AuditEvent::getAction).toList(),
        "globex's trail holds its own create only");
  }

  @Test
  void refusedCreatesForForeignOrKeylessProjects_neverStartATrail() {
    CreateKeyResponse writer = create("acme", "keys:write", "tasks:read");
    for (int i = 0; i < 3; i++) {
      String project = "nobody-" + i;
      assertDenied(
          Code.PERMISSION_DENIED,
          "PROJECT_MISMATCH",
          () ->
              as(writer.getSecret())
                  .createKey(
                      CreateKeyRequest.newBuilder()
                          .setProject(project)
                          .setName("k")
                          .addScopes("tasks:read")
                          .build()));
    }
    // the admin token refused for a project without keys: the global trail
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .createKey(
                    CreateKeyRequest.newBuilder().setProject("keyless").setName("k").build()));
    Eventually.await("samples written", () -> written() >= 5);
    for (String project : List.of("nobody-0", "nobody-1", "nobody-2", "keyless")) {
      assertEquals(List.of(), events(kg.admin(), project), project);
    }
    assertEquals(
        3,
        events(kg.admin(), "acme").stream()
            .filter(e -> e.getOutcome().equals("PROJECT_MISMATCH"))
            .count());
    assertEquals("INVALID_ARGUMENT", events(kg.admin(), "").get(0).getOutcome());
  }

  @Test
  void refusedWriteFlood_sampledAtTheRate() {
    CreateKeyResponse writer = create("acme", "keys:write", "tasks:read");
    for (int i = 0; i < 50; i++) {
      assertDenied(
          Code.PERMISSION_DENIED,
          "PROJECT_MISMATCH",
          () ->
              as(writer.getSecret())
                  .createKey(
                      CreateKeyRequest.newBuilder()
                          .setProject("globex")
                          .setName("k")
                          .addScopes("tasks:read")
                          .build()));
    }
    // the clock stands still: one second's worth of samples (3, this fixture's rate)
    Eventually.await("samples written", () -> written() >= 1 + 3);
    assertEquals(47, kg.app.auditTrail().droppedRateLimited());
    assertEquals(
        3,
        events(kg.admin(), "acme").stream()
            .filter(e -> e.getOutcome().equals("PROJECT_MISMATCH"))
            .count());
  }

  @Test
  void failedAdminAuth_sampledIntoGlobalTrailOrTheMatchedKeysProject() {
    CreateKeyResponse reader = create("acme", "tasks:read");
    assertDenied(
        Code.UNAUTHENTICATED,
        "ADMIN_CREDENTIAL_INVALID",
        () ->
            as("not-a-key-and-not-the-token")
                .listKeys(
                    dev.keygate.api.v1.ListKeysRequest.newBuilder().setProject("acme").build()));
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () ->
            as(reader.getSecret())
                .revokeKey(RevokeKeyRequest.newBuilder().setId(reader.getKey().getId()).build()));
    Eventually.await("both samples written", () -> written() >= 3);

    AuditEvent global = events(kg.admin(), "").get(0);
    assertEquals("admin_auth_failed", global.getAction());
    assertEquals("ADMIN_CREDENTIAL_INVALID", global.getOutcome());
    assertEquals("", global.getActor());
    assertEquals("", global.getKeyId());
    assertFalse(global.toString().contains("not-a-key"), "the credential is never recorded");
    AuditEvent inProject =
        events(kg.admin(), "acme").stream()
            .filter(e -> e.getAction().equals("admin_auth_failed"))
            .findFirst()
            .orElseThrow();
    assertEquals("SCOPE_MISSING", inProject.getOutcome());
    assertEquals(reader.getKey().getId(), inProject.getActor());
    assertEquals("admin", inProject.getSurface());
  }

  @Test
  void authorizeDenials_keyIdOnlyWhenTheSecretMatched() {
    CreateKeyResponse key = create("acme", "tasks:read");
    String secret = key.getSecret();
    // same id, wrong secret part: KEY_UNKNOWN and not attributed to the key
    String forged = forge(secret);
    denied(secret, "tasks:write", "SCOPE_MISSING");
    denied(forged, "tasks:read", "KEY_UNKNOWN");
    Eventually.await("two samples written", () -> written() >= 3);

    AuditEvent scope = events(kg.admin(), "acme").get(0);
    assertEquals("authorize_denied", scope.getAction());
    assertEquals("SCOPE_MISSING", scope.getOutcome());
    assertEquals(key.getKey().getId(), scope.getKeyId());
    assertEquals("authorize", scope.getSurface());
    AuditEvent unknown = events(kg.admin(), "").get(0);
    assertEquals("KEY_UNKNOWN", unknown.getOutcome());
    assertEquals("", unknown.getKeyId());
    assertEquals("", unknown.getProject());
  }

  /** A well-formed key with the same id as {@code secret} but another secret part. */
  private String forge(String secret) {
    var format = new dev.keygate.key.KeyFormat("kg", new java.security.SecureRandom());
    String id = format.parse(secret).orElseThrow().keyId();
    return format.newSecret(dev.keygate.key.KeyKind.LIVE, id);
  }

  private void denied(String secret, String scope, String reason) {
    assertDenied(
        reason.equals("SCOPE_MISSING") ? Code.PERMISSION_DENIED : Code.UNAUTHENTICATED,
        reason,
        () ->
            kg.authorize()
                .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes(scope).build()));
  }

  @Test
  void failureFlood_sampledAtTheRateWithDroppedCount() {
    for (int i = 0; i < 10; i++) {
      assertDenied(
          Code.UNAUTHENTICATED,
          "KEY_MALFORMED",
          () -> kg.authorize().check(CheckRequest.newBuilder().setKey("garbage").build()));
    }
    Eventually.await("3 samples written", () -> written() == 3);
    assertEquals(7, kg.app.auditTrail().droppedRateLimited());
    kg.clock.advance(java.time.Duration.ofSeconds(1));
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MALFORMED",
        () -> kg.authorize().check(CheckRequest.newBuilder().setKey("garbage").build()));
    Eventually.await("4th sample written", () -> written() == 4);
    List<AuditEvent> global = events(kg.admin(), "");
    assertEquals(4, global.size());
    assertEquals(7, global.get(0).getDroppedBefore());
  }

  @Test
  void listEvents_pagesWithTokensAndFilters() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(create("acme", "tasks:read").getKey().getId());
    }
    kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(ids.get(2)).build());
    List<AuditEvent> seen = new ArrayList<>();
    String token = "";
    do {
      ListEventsResponse page =
          kg.admin()
              .listEvents(
                  ListEventsRequest.newBuilder()
                      .setProject("acme")
                      .setPageSize(2)
                      .setPageToken(token)
                      .build());
      // full pages until the last: 6 events in pages of 2
      assertEquals(2, page.getEventsCount());
      seen.addAll(page.getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertEquals(6, seen.size());
    assertEquals(ids.get(0), seen.get(5).getKeyId());

    ListEventsResponse ofKey =
        kg.admin()
            .listEvents(
                ListEventsRequest.newBuilder().setProject("acme").setKeyId(ids.get(2)).build());
    assertEquals(
        List.of("revoke", "create"),
        ofKey.getEventsList().stream().map(AuditEvent::getAction).toList());
    ListEventsResponse revokes =
        kg.admin()
            .listEvents(
                ListEventsRequest.newBuilder().setProject("acme").setAction("revoke").build());
    assertEquals(1, revokes.getEventsCount());
  }

  @Test
  void listEvents_needsKeysReadAndTheOwnProject() {
    CreateKeyResponse reader = create("acme", "keys:read");
    CreateKeyResponse plain = create("acme", "tasks:read");
    assertFalse(events(as(reader.getSecret()), "acme").isEmpty());
    assertDenied(
        Code.PERMISSION_DENIED, "PROJECT_MISMATCH", () -> events(as(reader.getSecret()), "globex"));
    assertDenied(
        Code.PERMISSION_DENIED, "PROJECT_MISMATCH", () -> events(as(reader.getSecret()), ""));
    assertDenied(
        Code.PERMISSION_DENIED, "SCOPE_MISSING", () -> events(as(plain.getSecret()), "acme"));
    assertDenied(Code.UNAUTHENTICATED, "KEY_MISSING", () -> events(kg.anonymousAdmin(), "acme"));
  }

  @Test
  void listEvents_badArgumentsAreInvalid() {
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listEvents(ListEventsRequest.newBuilder().setProject("Bad Project").build()));
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listEvents(
                    ListEventsRequest.newBuilder().setProject("acme").setPageSize(1001).build()));
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listEvents(
                    ListEventsRequest.newBuilder().setProject("acme").setPageToken("x").build()));
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listEvents(
                    ListEventsRequest.newBuilder().setProject("acme").setAction("delete").build()));
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            kg.admin()
                .listEvents(
                    ListEventsRequest.newBuilder().setProject("acme").setKeyId("short").build()));
  }

  /** Audit events appended: sampled refusals and the events stored with changes. */
  private long written() {
    return kg.app.auditTrail().written() + kg.app.store().changeEventsWritten();
  }
}
