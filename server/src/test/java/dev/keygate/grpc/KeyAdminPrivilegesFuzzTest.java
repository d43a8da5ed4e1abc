package dev.keygate.grpc;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import dev.keygate.admin.Constraints;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.fuzz.Fuzz;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded property test of the privilege model through real gRPC: random API-key callers make random
 * KeyAdmin calls on random targets. Whatever succeeds leaves no key looser than its creator or
 * modifier ({@link Constraints#looserFields}) and stays in the caller's project; a key of another
 * project is never told apart from an id nobody has.
 */
class KeyAdminPrivilegesFuzzTest {
  private static final String PROPERTY = "admin-privileges";
  private static final List<String> SCOPE_POOL =
      List.of(
          "keys:write",
          "keys:read",
          "tasks:read",
          "tasks:write",
          "tasks:*",
          "billing:read",
          "billing:*",
          "admin:*");
  private static final List<String> PROJECTS = List.of("acme", "globex");

  private final InMemoryKeyStore store = new InMemoryKeyStore();
  private final InProcessKeygate kg =
      new InProcessKeygate(Map.of("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "100000"), store);

  /** Every key made so far, by id, with its current secret. */
  private final Map<String, String> secrets = new HashMap<>();

  private final List<String> ids = new ArrayList<>();

  @AfterEach
  void close() {
    kg.close();
  }

  @Test
  void randomAdminCalls_neverLoosenBeyondTheCallerNorRevealForeignKeys() {
    Random r = Fuzz.random(PROPERTY);
    for (String project : PROJECTS) {
      for (int i = 0; i < 6; i++) {
        CreateKeyResponse k = kg.admin().createKey(randomKey(r, project, true).build());
        remember(k);
      }
    }
    int cases = Fuzz.cases(400);
    int succeeded = 0;
    int foreign = 0;
    for (int i = 0; i < cases; i++) {
      if (r.nextInt(10) == 0) {
        kg.clock.advance(java.time.Duration.ofMinutes(r.nextInt(120)));
      }
      String callerId = ids.get(r.nextInt(ids.size()));
      ApiKeyRecord caller = store.find(callerId).orElseThrow();
      String targetId = ids.get(r.nextInt(ids.size()));
      ApiKeyRecord target = store.find(targetId).orElseThrow();
      int op = r.nextInt(5);
      String description =
          "op " + op + " by " + callerId + " " + caller.scopes() + " on " + targetId;
      KeyAdminGrpc.KeyAdminBlockingStub stub =
          withBearer(kg.anonymousAdmin(), secrets.get(callerId));
      Function<String, Object> call = callFor(op, r, caller.project(), stub);
      try {
        Object result = call.apply(targetId);
        succeeded++;
        String resultId = resultId(result);
        ApiKeyRecord written = store.find(resultId).orElseThrow();
        assertEquals(caller.project(), written.project(), Fuzz.replay(PROPERTY, i, description));
        if (op <= 2) { // reads and revocations leave no key that could be used
          assertEquals(
              List.of(),
              Constraints.of(written).looserFields(Constraints.of(caller)),
              Fuzz.replay(PROPERTY, i, description));
        }
        if (result instanceof CreateKeyResponse created) {
          remember(created);
        } else if (result instanceof dev.keygate.api.v1.RotateKeyResponse rotated) {
          secrets.put(resultId, rotated.getSecret());
        }
      } catch (StatusRuntimeException e) {
        if (op != 0 && !target.project().equals(caller.project()) && passesAuth(e)) {
          // the same call for an id nobody has must answer exactly alike
          foreign++;
          String unknown = "Un" + String.format("%010d", i);
          StatusRuntimeException u = assertFails(() -> call.apply(unknown));
          assertEquals(
              text(u).replace(unknown, "<id>"),
              text(e).replace(targetId, "<id>"),
              Fuzz.replay(PROPERTY, i, description));
          assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        }
      }
    }
    // the run explored both sides of the model
    assertTrue(succeeded > cases / 20, "successes: " + succeeded);
    assertTrue(foreign > cases / 50, "foreign targets: " + foreign);
  }

  /** False when the caller itself was refused (expired, revoked, lacks keys:*, rate limited). */
  private static boolean passesAuth(StatusRuntimeException e) {
    String reason = StatusProto.fromThrowable(e).toString();
    return !(reason.contains("KEY_EXPIRED")
        || reason.contains("KEY_REVOKED")
        || reason.contains("SCOPE_MISSING")
        || reason.contains("RATE_LIMITED"));
  }

  private static String text(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).toString();
  }

  private static StatusRuntimeException assertFails(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("an unknown id was answered OK");
  }

  private void remember(CreateKeyResponse k) {
    secrets.put(k.getKey().getId(), k.getSecret());
    ids.add(k.getKey().getId());
  }

  private static String resultId(Object result) {
    if (result instanceof CreateKeyResponse c) {
      return c.getKey().getId();
    }
    if (result instanceof dev.keygate.api.v1.RotateKeyResponse rotated) {
      return rotated.getKey().getId();
    }
    return ((ApiKey) result).getId();
  }

  /** One random call: 0 create, 1 update, 2 rotate, 3 revoke (rarely), 4 get; given a target. */
  private Function<String, Object> callFor(
      int op, Random r, String ownProject, KeyAdminGrpc.KeyAdminBlockingStub stub) {
    switch (op) {
      case 0:
        String project = r.nextInt(4) == 0 ? "globex" : ownProject;
        CreateKeyRequest create = randomKey(r, project, false).build();
        return id -> stub.createKey(create);
      case 1:
        UpdateKeyRequest.Builder update = UpdateKeyRequest.newBuilder();
        ApiKey.Builder key = ApiKey.newBuilder().setName("updated");
        List<String> paths = new ArrayList<>();
        if (r.nextBoolean()) {
          paths.add("name");
        }
        if (r.nextBoolean()) {
          key.addAllScopes(randomScopes(r, false));
          paths.add("scopes");
        }
        if (r.nextBoolean()) {
          expiry(r, key);
          paths.add("expires_at");
        }
        if (r.nextBoolean()) {
          RateLimit limit = randomLimit(r);
          if (limit != null) {
            key.setRateLimit(limit);
          }
          paths.add("rate_limit");
        }
        if (paths.isEmpty()) {
          paths.add("name");
        }
        return id ->
            stub.updateKey(
                update
                    .setKey(key.clone().setId(id))
                    .setUpdateMask(FieldMask.newBuilder().addAllPaths(paths))
                    .build());
      case 2:
        return id -> stub.rotateKey(RotateKeyRequest.newBuilder().setId(id).build());
      case 3:
        if (r.nextInt(4) == 0) {
          return id -> stub.revokeKey(RevokeKeyRequest.newBuilder().setId(id).build());
        }
        return id -> stub.getKey(GetKeyRequest.newBuilder().setId(id).build());
      default:
        return id -> stub.getKey(GetKeyRequest.newBuilder().setId(id).build());
    }
  }

  private CreateKeyRequest.Builder randomKey(Random r, String project, boolean admin) {
    ApiKey.Builder fields = ApiKey.newBuilder();
    expiry(r, fields);
    CreateKeyRequest.Builder b =
        CreateKeyRequest.newBuilder()
            .setProject(project)
            .setName("k")
            .addAllScopes(randomScopes(r, admin));
    if (fields.hasExpiresAt()) {
      b.setExpiresAt(fields.getExpiresAt());
    }
    RateLimit limit = randomLimit(r);
    if (limit != null) {
      b.setRateLimit(limit);
    }
    return b;
  }

  /** Scopes; the admin's first keys mostly may administer, so there are callers to try. */
  private static List<String> randomScopes(Random r, boolean administering) {
    List<String> scopes = new ArrayList<>();
    if (administering && r.nextInt(5) != 0) {
      scopes.add("keys:write");
      scopes.add("keys:read");
    }
    for (String s : SCOPE_POOL) {
      if (!scopes.contains(s) && r.nextInt(administering ? 3 : 5) == 0) {
        scopes.add(s);
      }
    }
    if (scopes.isEmpty()) {
      scopes.add("tasks:read");
    }
    return scopes;
  }

  private void expiry(Random r, ApiKey.Builder key) {
    if (r.nextBoolean()) {
      key.setExpiresAt(Timestamps.fromMillis(kg.clock.millis() + 60_000L * (1 + r.nextInt(600))));
    }
  }

  private static RateLimit randomLimit(Random r) {
    if (r.nextBoolean()) {
      return null;
    }
    int[] periods = {1, 60, 3600};
    return RateLimit.newBuilder()
        .setRequests(50 + r.nextInt(1000))
        .setPeriod(Duration.newBuilder().setSeconds(periods[r.nextInt(periods.length)]))
        .build();
  }

  @Test
  void unknownIdProbe_neverFindsAForeignKey() {
    // the smallest form of the property, kept as a regression: GetKey of another project's key
    CreateKeyResponse reader =
        kg.admin()
            .createKey(
                randomKey(new Random(1), "acme", true)
                    .clearScopes()
                    .addScopes("keys:read")
                    .clearExpiresAt()
                    .clearRateLimit()
                    .build());
    String foreign = kg.createKey("tasks:read").getKey().getId(); // "acme" in the fixture
    String other =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("globex")
                    .setName("g")
                    .addScopes("tasks:read")
                    .build())
            .getKey()
            .getId();
    KeyAdminGrpc.KeyAdminBlockingStub stub = withBearer(kg.anonymousAdmin(), reader.getSecret());
    assertEquals(foreign, stub.getKey(GetKeyRequest.newBuilder().setId(foreign).build()).getId());
    StatusRuntimeException e =
        assertFails(() -> stub.getKey(GetKeyRequest.newBuilder().setId(other).build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertNotEquals(true, e.getStatus().getDescription().contains("globex"));
  }
}
