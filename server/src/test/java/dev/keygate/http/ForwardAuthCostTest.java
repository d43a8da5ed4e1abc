package dev.keygate.http;

import static dev.keygate.http.RawHttp.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.Credits;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.testing.NettyKeygate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credits through the HTTP forward-auth listener (real Netty, real Redis, raw HTTP as a proxy sends
 * it): the proxy's cost header sets what a call spends, exhausted credits are a 429 with the
 * balance in the body, and a bad cost fails closed.
 */
class ForwardAuthCostTest {
  private final NettyKeygate kg =
      NettyKeygate.start(
          Map.of(
              "KEYGATE_HTTP_LISTEN", "127.0.0.1:0",
              "KEYGATE_HTTP_COST_HEADER", "X-Keygate-Cost",
              "KEYGATE_ROUTES_DEFAULT", "any-key"));

  @AfterEach
  void close() throws InterruptedException {
    kg.close();
  }

  private RawHttp.Response forward(String secret, String cost) throws Exception {
    try (RawHttp c = new RawHttp(kg.server.httpPort())) {
      c.send(
          cost == null
              ? request(
                  "GET",
                  "/forward",
                  "X-Forwarded-Method: GET",
                  "X-Forwarded-Uri: /v1/reports",
                  "Authorization: Bearer " + secret)
              : request(
                  "GET",
                  "/forward",
                  "X-Forwarded-Method: GET",
                  "X-Forwarded-Uri: /v1/reports",
                  "Authorization: Bearer " + secret,
                  "X-Keygate-Cost: " + cost));
      return c.read();
    }
  }

  @Test
  void forward_costHeaderSpendsCredits_thenExhaustedIs429() throws Exception {
    var created =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("reports:read")
                    .setCredits(Credits.newBuilder().setRemaining(5))
                    .build());
    assertEquals(200, forward(created.getSecret(), "3").status());
    assertEquals(200, forward(created.getSecret(), null).status());
    assertEquals(
        1,
        kg.admin()
            .getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build())
            .getCredits()
            .getRemaining());
    RawHttp.Response refused = forward(created.getSecret(), "2");
    assertEquals(429, refused.status(), refused.head() + refused.body());
    assertTrue(refused.body().contains("\"reason\":\"CREDITS_EXHAUSTED\""), refused.body());
    assertTrue(refused.body().contains("\"credits_remaining\":1"), refused.body());
    for (String bad : new String[] {"0", "x", "1000001"}) {
      RawHttp.Response misconfigured = forward(created.getSecret(), bad);
      assertEquals(500, misconfigured.status(), misconfigured.body());
      assertTrue(misconfigured.body().contains("ROUTE_MISCONFIGURED"), misconfigured.body());
    }
    assertEquals(200, forward(created.getSecret(), "1").status());
  }
}
