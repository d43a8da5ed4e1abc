package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.assertDenied;
import static dev.keygate.envoy.EnvoyChecks.headers;
import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failed-authentication throttling on the ext_authz surface: 429 with Retry-After. */
class EnvoyThrottleTest {
  private final InProcessKeygate kg =
      new InProcessKeygate(
          Map.of(
              "KEYGATE_AUTH_FAILURE_LIMIT",
              "3",
              "KEYGATE_AUTH_FAILURE_WINDOW",
              "1m",
              "KEYGATE_TRUSTED_PROXY_HOPS",
              "1"),
          new InMemoryKeyStore());

  @AfterEach
  void close() {
    kg.close();
  }

  private CheckResponse check(EnvoyChecks request) {
    return AuthorizationGrpc.newBlockingStub(kg.channel()).check(request.build());
  }

  @Test
  void check_moreThanLimitFailuresFromOneSource_429UntilTheWindowEnds() {
    CreateKeyResponse key = kg.createKey("tasks:read");
    for (int i = 0; i < 3; i++) {
      assertDenied(
          check(
              request("GET", "/v1/tasks")
                  .source("203.0.113.7")
                  .bearer("kg_live_wrong")
                  .scope("tasks:read")),
          401,
          Code.UNAUTHENTICATED,
          "KEY_MALFORMED");
    }
    kg.clock.advance(Duration.ofSeconds(15));
    CheckResponse throttled =
        check(
            request("GET", "/v1/tasks")
                .source("203.0.113.7")
                .bearer(key.getSecret())
                .scope("tasks:read"));
    var body = assertDenied(throttled, 429, Code.RESOURCE_EXHAUSTED, "AUTH_FAILURES_THROTTLED");
    assertEquals(45, body.get("retry_after").getAsLong());
    assertEquals("45", headers(throttled.getDeniedResponse().getHeadersList()).get("retry-after"));

    // another source, and the same one after the window, are answered normally
    assertEquals(
        Code.OK.value(),
        check(
                request("GET", "/v1/tasks")
                    .source("203.0.113.8")
                    .bearer(key.getSecret())
                    .scope("tasks:read"))
            .getStatus()
            .getCode());
    kg.clock.advance(Duration.ofSeconds(45));
    assertEquals(
        Code.OK.value(),
        check(
                request("GET", "/v1/tasks")
                    .source("203.0.113.7")
                    .bearer(key.getSecret())
                    .scope("tasks:read"))
            .getStatus()
            .getCode());
  }

  @Test
  void check_forwardedForWithTrustedHop_countsTheForwardedClient() {
    for (int i = 0; i < 3; i++) {
      check(
          request("GET", "/v1/tasks")
              .source("10.0.0.2")
              .header("x-forwarded-for", "1.1.1.1, 198.51.100.9")
              .scope("tasks:read"));
    }
    assertDenied(
        check(
            request("GET", "/v1/tasks")
                .source("10.0.0.2")
                .header("x-forwarded-for", "2.2.2.2, 198.51.100.9")
                .scope("tasks:read")),
        429,
        Code.RESOURCE_EXHAUSTED,
        "AUTH_FAILURES_THROTTLED");
    // the proxy itself, and other clients behind it, are not throttled
    assertDenied(
        check(
            request("GET", "/v1/tasks")
                .source("10.0.0.2")
                .header("x-forwarded-for", "198.51.100.10")
                .scope("tasks:read")),
        401,
        Code.UNAUTHENTICATED,
        "KEY_MISSING");
  }
}
