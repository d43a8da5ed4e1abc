package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The privilege table of docs/security.md, row by row, through real gRPC over Redis: every KeyAdmin
 * RPC, every kind of caller, every kind of target, each row asserting the code and reason.
 */
@ExtendWith(RedisServerExtension.class)
class KeyAdminPrivilegesTest {
  /** The target's scopes: callers hold fewer, the same, or more. */
  static final List<String> TARGET_SCOPES =
      List.of("keys:write", "keys:read", "tasks:read", "tasks:write");

  private final InProcessKeygate kg;

  KeyAdminPrivilegesTest(TestRedis redis) {
    kg =
        InProcessKeygate.overRedis(
            redis.url(),
            redis.newNamespace(),
            new FakeTicker(),
            Map.of("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "10000"));
  }

  @AfterEach
  void close() {
    kg.close();
  }

  enum CallerKind {
    ADMIN_TOKEN,
    FEWER_SCOPES,
    EQUAL_SCOPES,
    MORE_SCOPES,
    OTHER_PROJECT,
    EXPIRED,
    REVOKED,
    RATE_LIMITED
  }

  enum TargetKind {
    OWN_PROJECT,
    OTHER_PROJECT,
    UNKNOWN_ID
  }

  enum Rpc {
    CREATE_KEY(false),
    GET_KEY(true),
    LIST_KEYS(false),
    UPDATE_KEY(true),
    REVOKE_KEY(true),
    ROTATE_KEY(true),
    LIST_EVENTS(false);

    final boolean takesId;

    Rpc(boolean takesId) {
      this.takesId = takesId;
    }
  }

  /** What a row must answer: OK, or a code and reason. */
  record Expect(Code code, String reason) {
    static final Expect OK = new Expect(Code.OK, "");

    @Override
    public String toString() {
      return code == Code.OK ? "OK" : code + "/" + reason;
    }
  }

  /** The privilege table: the expected answer of one row. */
  static Expect expected(CallerKind caller, Rpc rpc, TargetKind target) {
    switch (caller) {
      case EXPIRED:
        return new Expect(Code.UNAUTHENTICATED, "KEY_EXPIRED");
      case REVOKED:
        return new Expect(Code.UNAUTHENTICATED, "KEY_REVOKED");
      case RATE_LIMITED:
        return new Expect(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
      default:
        break;
    }
    if (target == TargetKind.UNKNOWN_ID) {
      return new Expect(Code.NOT_FOUND, "KEY_NOT_FOUND");
    }
    boolean ownProject =
        caller == CallerKind.ADMIN_TOKEN
            || (caller == CallerKind.OTHER_PROJECT) == (target == TargetKind.OTHER_PROJECT);
    if (!ownProject) {
      return rpc.takesId
          ? new Expect(Code.NOT_FOUND, "KEY_NOT_FOUND")
          : new Expect(Code.PERMISSION_DENIED, "PROJECT_MISMATCH");
    }
    if (caller == CallerKind.FEWER_SCOPES) {
      switch (rpc) {
        case CREATE_KEY:
          return new Expect(Code.PERMISSION_DENIED, "SCOPE_ESCALATION");
        case UPDATE_KEY:
        case REVOKE_KEY:
        case ROTATE_KEY:
          return new Expect(Code.PERMISSION_DENIED, "TARGET_SCOPE_NOT_HELD");
        default:
          break;
      }
    }
    return Expect.OK;
  }

  @TestFactory
  Stream<DynamicTest> privilegeTable_everyRpcCallerAndTarget() {
    List<DynamicTest> rows = new ArrayList<>();
    for (Rpc rpc : Rpc.values()) {
      for (CallerKind caller : CallerKind.values()) {
        for (TargetKind target : TargetKind.values()) {
          if (target == TargetKind.UNKNOWN_ID && !rpc.takesId) {
            continue; // project RPCs name a project, not an id
          }
          Expect expect = expected(caller, rpc, target);
          rows.add(
              DynamicTest.dynamicTest(
                  rpc + "_" + caller + "_" + target + " -> " + expect,
                  () -> row(rpc, caller, target, expect)));
        }
      }
    }
    return rows.stream();
  }

  private void row(Rpc rpc, CallerKind callerKind, TargetKind targetKind, Expect expect) {
    KeyAdminGrpc.KeyAdminBlockingStub caller = caller(callerKind);
    String project = targetKind == TargetKind.OTHER_PROJECT ? "globex" : "acme";
    String id =
        targetKind == TargetKind.UNKNOWN_ID
            ? "Zz0000000000"
            : create(project, TARGET_SCOPES, null).getKey().getId();
    Runnable call = () -> invoke(caller, rpc, project, id);
    if (expect.code() == Code.OK) {
      call.run();
    } else {
      assertDenied(expect.code(), expect.reason(), call::run);
    }
  }

  private static void invoke(
      KeyAdminGrpc.KeyAdminBlockingStub stub, Rpc rpc, String project, String id) {
    switch (rpc) {
      case CREATE_KEY ->
          stub.createKey(
              CreateKeyRequest.newBuilder()
                  .setProject(project)
                  .setName("made by row")
                  .addAllScopes(TARGET_SCOPES)
                  .build());
      case GET_KEY -> stub.getKey(GetKeyRequest.newBuilder().setId(id).build());
      case LIST_KEYS -> stub.listKeys(ListKeysRequest.newBuilder().setProject(project).build());
      case UPDATE_KEY ->
          stub.updateKey(
              UpdateKeyRequest.newBuilder()
                  .setKey(ApiKey.newBuilder().setId(id).setName("renamed"))
                  .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
                  .build());
      case REVOKE_KEY -> stub.revokeKey(RevokeKeyRequest.newBuilder().setId(id).build());
      case ROTATE_KEY -> stub.rotateKey(RotateKeyRequest.newBuilder().setId(id).build());
      case LIST_EVENTS ->
          stub.listEvents(ListEventsRequest.newBuilder().setProject(project).build());
    }
  }

  /** A fresh caller of the kind, so rows never depend on each other. */
  private KeyAdminGrpc.KeyAdminBlockingStub caller(CallerKind kind) {
    return switch (kind) {
      case ADMIN_TOKEN -> kg.admin();
      case FEWER_SCOPES ->
          as(create("acme", List.of("keys:write", "keys:read", "tasks:read"), null));
      case EQUAL_SCOPES -> as(create("acme", TARGET_SCOPES, null));
      case MORE_SCOPES ->
          as(create("acme", List.of("keys:write", "keys:read", "tasks:*", "billing:*"), null));
      case OTHER_PROJECT -> as(create("globex", List.of("admin:*"), null));
      case EXPIRED -> {
        CreateKeyResponse k =
            kg.admin()
                .createKey(
                    CreateKeyRequest.newBuilder()
                        .setProject("acme")
                        .setName("expiring")
                        .addScopes("admin:*")
                        .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 1000))
                        .build());
        kg.clock.advance(java.time.Duration.ofSeconds(2));
        yield as(k);
      }
      case REVOKED -> {
        CreateKeyResponse k = create("acme", List.of("admin:*"), null);
        kg.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(k.getKey().getId()).build());
        yield as(k);
      }
      case RATE_LIMITED -> {
        CreateKeyResponse k = create("acme", List.of("admin:*"), limit(1, 3600));
        kg.authorize().check(CheckRequest.newBuilder().setKey(k.getSecret()).build());
        yield as(k);
      }
    };
  }

  private KeyAdminGrpc.KeyAdminBlockingStub as(CreateKeyResponse key) {
    return withBearer(kg.anonymousAdmin(), key.getSecret());
  }

  private CreateKeyResponse create(String project, List<String> scopes, RateLimit limit) {
    CreateKeyRequest.Builder b =
        CreateKeyRequest.newBuilder().setProject(project).setName("k").addAllScopes(scopes);
    if (limit != null) {
      b.setRateLimit(limit);
    }
    return kg.admin().createKey(b.build());
  }

  private static RateLimit limit(int requests, long seconds) {
    return RateLimit.newBuilder()
        .setRequests(requests)
        .setPeriod(Duration.newBuilder().setSeconds(seconds))
        .build();
  }

  // ------------------------------------------------------------ a foreign id is an unknown id

  @Test
  void foreignKeyId_answersExactlyLikeAnUnknownId() {
    KeyAdminGrpc.KeyAdminBlockingStub writer = as(create("acme", List.of("admin:*"), null));
    for (Rpc rpc : Rpc.values()) {
      if (!rpc.takesId) {
        continue;
      }
      String foreign = create("globex", TARGET_SCOPES, null).getKey().getId();
      String unknown = "Qq1234567890";
      com.google.rpc.Status a = status(() -> invoke(writer, rpc, "acme", foreign));
      com.google.rpc.Status b = status(() -> invoke(writer, rpc, "acme", unknown));
      assertEquals(
          b.toBuilder().clearDetails().build().toString().replace(unknown, "<id>"),
          a.toBuilder().clearDetails().build().toString().replace(foreign, "<id>"),
          rpc.name());
      assertEquals(
          detail(b, ErrorInfo.class).toString().replace(unknown, "<id>"),
          detail(a, ErrorInfo.class).toString().replace(foreign, "<id>"),
          rpc.name());
      assertEquals(Code.NOT_FOUND.value(), a.getCode(), rpc.name());
      assertEquals(false, a.getMessage().contains("globex"), "never names the other project");
    }
  }

  private static com.google.rpc.Status status(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return StatusProto.fromThrowable(e);
  }

  // ------------------------------------------------------------ constraints

  /** A caller limited to 100 calls a minute and one day of life, holding the target scopes. */
  private CreateKeyResponse limitedCaller() {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("limited")
                .addAllScopes(TARGET_SCOPES)
                .setRateLimit(limit(100, 60))
                .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 86_400_000))
                .build());
  }

  private CreateKeyRequest.Builder child(long expiresInMs, RateLimit limit) {
    CreateKeyRequest.Builder b =
        CreateKeyRequest.newBuilder()
            .setProject("acme")
            .setName("child")
            .addAllScopes(List.of("tasks:read"));
    if (expiresInMs > 0) {
      b.setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + expiresInMs));
    }
    if (limit != null) {
      b.setRateLimit(limit);
    }
    return b;
  }

  @Test
  void createKey_looserThanTheCaller_constraintLoosened() {
    KeyAdminGrpc.KeyAdminBlockingStub caller = as(limitedCaller());
    Map<String, CreateKeyRequest> looser =
        Map.of(
            "no rate limit", child(3_600_000, null).build(),
            "a higher rate limit", child(3_600_000, limit(101, 60)).build(),
            "a shorter period", child(3_600_000, limit(100, 30)).build(),
            "no expiry", child(0, limit(100, 60)).build(),
            "a later expiry", child(86_400_001, limit(100, 60)).build());
    looser.forEach(
        (what, request) -> {
          var status =
              assertDenied(
                  Code.PERMISSION_DENIED, "CONSTRAINT_LOOSENED", () -> caller.createKey(request));
          assertEquals(
              what.contains("expiry") ? "expires_at" : "limits",
              detail(status, ErrorInfo.class).getMetadataOrThrow("fields"),
              what);
        });
    ApiKey ok = caller.createKey(child(86_400_000, limit(50, 120)).build()).getKey();
    assertEquals(50, ok.getRateLimit().getRequests());
  }

  private static UpdateKeyRequest update(ApiKey.Builder key, String... paths) {
    return UpdateKeyRequest.newBuilder()
        .setKey(key)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)))
        .build();
  }

  @Test
  void updateKey_ownKeyLoosened_constraintLoosenedAndTighteningAllowed() {
    CreateKeyResponse self = limitedCaller();
    String id = self.getKey().getId();
    KeyAdminGrpc.KeyAdminBlockingStub caller = as(self);
    List<UpdateKeyRequest> loosening =
        List.of(
            update(ApiKey.newBuilder().setId(id), "rate_limit"),
            update(ApiKey.newBuilder().setId(id).setRateLimit(limit(1000, 60)), "rate_limit"),
            update(ApiKey.newBuilder().setId(id), "expires_at"),
            update(
                ApiKey.newBuilder()
                    .setId(id)
                    .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 2 * 86_400_000L)),
                "expires_at"));
    for (UpdateKeyRequest request : loosening) {
      assertDenied(Code.PERMISSION_DENIED, "CONSTRAINT_LOOSENED", () -> caller.updateKey(request));
    }
    ApiKey tighter =
        caller.updateKey(
            update(ApiKey.newBuilder().setId(id).setRateLimit(limit(5, 60)), "rate_limit"));
    assertEquals(5, tighter.getRateLimit().getRequests());
    // the caller is now the tighter key: its former limit is looser than itself
    assertDenied(
        Code.PERMISSION_DENIED,
        "CONSTRAINT_LOOSENED",
        () ->
            caller.updateKey(
                update(ApiKey.newBuilder().setId(id).setRateLimit(limit(100, 60)), "rate_limit")));
  }

  @Test
  void updateKey_keyLooserThanTheCaller_onlyIfTheUpdateTightensIt() {
    KeyAdminGrpc.KeyAdminBlockingStub caller = as(limitedCaller());
    String free = create("acme", List.of("tasks:read"), null).getKey().getId();
    assertDenied(
        Code.PERMISSION_DENIED,
        "CONSTRAINT_LOOSENED",
        () -> caller.updateKey(update(ApiKey.newBuilder().setId(free).setName("x"), "name")));
    ApiKey tightened =
        caller.updateKey(
            update(
                ApiKey.newBuilder()
                    .setId(free)
                    .setRateLimit(limit(10, 60))
                    .setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 60_000)),
                "rate_limit",
                "expires_at"));
    assertEquals(10, tightened.getRateLimit().getRequests());
  }

  @Test
  void rotateKey_targetLooserThanTheCaller_constraintLoosened() {
    KeyAdminGrpc.KeyAdminBlockingStub caller = as(limitedCaller());
    String free = create("acme", TARGET_SCOPES, null).getKey().getId();
    assertDenied(
        Code.PERMISSION_DENIED,
        "CONSTRAINT_LOOSENED",
        () -> caller.rotateKey(RotateKeyRequest.newBuilder().setId(free).build()));
    String bounded = caller.createKey(child(3_600_000, limit(100, 60)).build()).getKey().getId();
    caller.rotateKey(RotateKeyRequest.newBuilder().setId(bounded).build());
  }

  @Test
  void rotateKey_adminStarKeyByWeakerWriter_targetScopeNotHeld() {
    // the reported hole: keys:write + tasks:read rotating an admin:* key of its own project
    KeyAdminGrpc.KeyAdminBlockingStub weak =
        as(create("acme", List.of("keys:write", "keys:read", "tasks:read"), null));
    String strong = create("acme", List.of("admin:*"), null).getKey().getId();
    var status =
        assertDenied(
            Code.PERMISSION_DENIED,
            "TARGET_SCOPE_NOT_HELD",
            () ->
                weak.rotateKey(
                    RotateKeyRequest.newBuilder()
                        .setId(strong)
                        .setGracePeriod(Duration.newBuilder().setSeconds(2_592_000))
                        .build()));
    assertEquals("admin:*", detail(status, ErrorInfo.class).getMetadataOrThrow("scopes"));
  }

  // ------------------------------------------------------------ revival

  @Test
  void updateKey_revivingAnExpiredKeyInAFullProject_projectKeyLimit() {
    try (InProcessKeygate small =
        new InProcessKeygate(
            Map.of("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "2"),
            new dev.keygate.store.InMemoryKeyStore())) {
      revival(small);
    }
  }

  @Test
  void updateKey_revivingAnExpiredKeyInAFullProjectOverRedis_projectKeyLimit(TestRedis redis) {
    try (InProcessKeygate small =
        InProcessKeygate.overRedis(
            redis.url(),
            redis.newNamespace(),
            new FakeTicker(),
            Map.of("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "2"))) {
      revival(small);
    }
  }

  private static void revival(InProcessKeygate on) {
    String expiring =
        on.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("expiring")
                    .addScopes("tasks:read")
                    .setExpiresAt(Timestamps.fromMillis(on.clock.millis() + 1000))
                    .build())
            .getKey()
            .getId();
    on.clock.advance(java.time.Duration.ofSeconds(2));
    on.createKey("tasks:read");
    on.createKey("tasks:read"); // the project is full: two active keys
    BiConsumer<InProcessKeygate, String> revive =
        (k, id) ->
            k.admin()
                .updateKey(
                    UpdateKeyRequest.newBuilder()
                        .setKey(ApiKey.newBuilder().setId(id))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("expires_at"))
                        .build());
    assertDenied(Code.FAILED_PRECONDITION, "PROJECT_KEY_LIMIT", () -> revive.accept(on, expiring));
    // renaming an expired key revives nothing, so it is allowed
    on.admin()
        .updateKey(
            UpdateKeyRequest.newBuilder()
                .setKey(ApiKey.newBuilder().setId(expiring).setName("still expired"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
                .build());
  }
}
