package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.assertDenied;
import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status.Code;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deny rule through the ext_authz surface over real gRPC, with a looser rule behind it: no
 * spelling of a denied path reaches the looser rule, and a path with no single reading is a 400
 * denial (a successful RPC), never an RPC error that {@code failure_mode_allow} would pass.
 */
class EnvoyNormalizedRoutesTest {
  private static final String ROUTES =
      """
      *      /v1/admin/**   deny
      GET    /v1/**         any-key
      """;

  private final InProcessKeygate kg;
  private final String key;

  EnvoyNormalizedRoutesTest(@TempDir Path dir) {
    try {
      Path routes = Files.writeString(dir.resolve("routes.txt"), ROUTES);
      kg =
          new InProcessKeygate(Map.of("KEYGATE_ROUTES", routes.toString()), new InMemoryKeyStore());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    key = kg.createKey("tasks:read").getSecret();
  }

  @AfterEach
  void close() {
    kg.close();
  }

  private CheckResponse check(String path) {
    // the blocking stub throws on an RPC error: every answer below is a successful RPC
    return EnvoyAuthorizationServiceTest.check(kg, request("GET", path).bearer(key).build());
  }

  @Test
  void check_looserRuleBehindTheDenyRule_allowsOtherPaths() {
    for (String path : List.of("/v1/tasks", "/v1/administrators", "/v1/tasks/admin")) {
      CheckResponse response = check(path);
      assertEquals(Code.OK.value(), response.getStatus().getCode(), path + ": " + response);
    }
  }

  @Test
  void check_denyRule_notBypassedBySlashesDotsEncodingsOrParameters() {
    for (String path :
        List.of(
            "/v1/admin/users",
            "//v1/admin/users",
            "/v1//admin/users",
            "/v1/admin//users",
            "/v1/./admin/users",
            "/v1/tasks/../admin/users",
            "/v1/tasks/x/../../admin",
            "/v1/tasks/%2e%2e/admin/users",
            "/v1/tasks/.%2E/admin",
            "/v1/%61dmin/users",
            "/v1/%61%64%6D%69%6e",
            "/%76%31/admin",
            "/v1/admin;jsessionid=42/users",
            "/v1;x/admin",
            "/v1/tasks/..;/admin/users",
            "/v1/admin/?q=/v1/tasks",
            "/v1/admin#/v1/tasks")) {
      assertDenied(check(path), 403, Code.PERMISSION_DENIED, "ROUTE_DENIED");
    }
  }

  @Test
  void check_encodedSlashAndOtherAmbiguousPaths_400InvalidArgument() {
    for (String path :
        List.of(
            "/v1/admin%2Fusers",
            "/v1/tasks%2f..%2fadmin",
            "/v1%5Cadmin",
            "/v1\\admin",
            "/v1/admin%00",
            "/v1/admin\u0000",
            "/v1/%zz",
            "/v1/tasks//../admin",
            "v1/admin")) {
      JsonObject body = assertDenied(check(path), 400, Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
      assertFalse(body.get("message").getAsString().contains("admin"), "the path is not echoed");
    }
  }

  @Test
  void check_refusedPath_400EvenWithoutAKey() {
    CheckResponse response =
        EnvoyAuthorizationServiceTest.check(kg, request("GET", "/v1/admin%2Fusers").build());
    assertDenied(response, 400, Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
  }
}
