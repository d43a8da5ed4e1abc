package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.assertDenied;
import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status.Code;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route table through the ext_authz surface: which rule kind decides the scope, and that a
 * route's context_extensions win over the table.
 */
class EnvoyRoutesTest {
  private static final String ROUTES =
      """
      GET    /v1/tasks/**   tasks:read
      DELETE /v1/tasks/*    tasks:delete
      POST   /v1/tasks      tasks:write
      """;

  private final InProcessKeygate kg;
  private final String reader;
  private final String writer;

  EnvoyRoutesTest(@TempDir Path dir) {
    try {
      Path routes = Files.writeString(dir.resolve("routes.txt"), ROUTES);
      kg =
          new InProcessKeygate(Map.of("KEYGATE_ROUTES", routes.toString()), new InMemoryKeyStore());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    reader = kg.createKey("tasks:read").getSecret();
    writer = kg.createKey("tasks:write", "tasks:delete").getSecret();
  }

  @AfterEach
  void close() {
    kg.close();
  }

  private CheckResponse check(EnvoyChecks request) {
    return EnvoyAuthorizationServiceTest.check(kg, request.build());
  }

  private static void assertOk(CheckResponse response) {
    assertEquals(Code.OK.value(), response.getStatus().getCode(), () -> response.toString());
  }

  @Test
  void check_exactRule() {
    assertOk(check(request("POST", "/v1/tasks").bearer(writer)));
    assertDenied(
        check(request("POST", "/v1/tasks").bearer(reader)),
        403,
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING");
  }

  @Test
  void check_singleStarRule() {
    assertOk(check(request("DELETE", "/v1/tasks/42?force=true").bearer(writer)));
    assertDenied(
        check(request("DELETE", "/v1/tasks/42").bearer(reader)),
        403,
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING");
    // one segment only: a deeper path matches no rule and meets the default (deny)
    assertDenied(
        check(request("DELETE", "/v1/tasks/42/notes/1").bearer(writer)),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
  }

  @Test
  void check_doubleStarRule() {
    assertOk(check(request("GET", "/v1/tasks").bearer(reader)));
    assertOk(check(request("GET", "/v1/tasks/42/notes?page=3").bearer(reader)));
    assertDenied(
        check(request("GET", "/v1/tasks/42").bearer(writer)),
        403,
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING");
  }

  @Test
  void check_methodMismatchMeetsTheDefault() {
    assertDenied(
        check(request("PUT", "/v1/tasks/42").bearer(writer)),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
  }

  @Test
  void check_contextExtensionWinsOverTheTable() {
    assertOk(check(request("DELETE", "/v1/tasks/42").bearer(reader).scope("tasks:read")));
  }

  @Test
  void check_dotSegmentPath_matchedAfterNormalizing() {
    // /v1/tasks/../admin is /v1/admin: no rule, so the default (deny), not tasks/** (tasks:read)
    assertDenied(
        check(request("GET", "/v1/tasks/../admin").bearer(reader)),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
    assertDenied(
        check(request("GET", "/v1/tasks/%2e%2e/admin").bearer(reader)),
        403,
        Code.PERMISSION_DENIED,
        "ROUTE_DENIED");
    assertOk(check(request("GET", "/v1/admin/../tasks/42").bearer(reader)));
  }
}
