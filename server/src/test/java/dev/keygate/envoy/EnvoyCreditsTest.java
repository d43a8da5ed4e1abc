package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreditRefill;
import dev.keygate.api.v1.Credits;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.RefillInterval;
import dev.keygate.testing.NettyKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credits through Envoy ext_authz over a real Netty port and a real redis-server: a route's {@code
 * keygate_cost} context extension sets what a call spends; exhausted credits are a 429 with
 * Retry-After until the next refill; a bad cost setting fails closed.
 */
class EnvoyCreditsTest {
  private final NettyKeygate kg = NettyKeygate.start(Map.of());

  @AfterEach
  void close() throws InterruptedException {
    kg.close();
  }

  private CreateKeyRequest.Builder key(Credits credits) {
    return CreateKeyRequest.newBuilder()
        .setProject("acme")
        .setName("k")
        .addScopes("tasks:read")
        .setCredits(credits);
  }

  private CheckResponse check(String secret, String cost) {
    EnvoyChecks request = request("GET", "/v1/reports").bearer(secret).scope("tasks:read");
    if (cost != null) {
      request.cost(cost);
    }
    return AuthorizationGrpc.newBlockingStub(kg.channel).check(request.build());
  }

  @Test
  void check_routeCost_spendsIt_thenCreditsExhaustedIs429() {
    Credits daily =
        Credits.newBuilder()
            .setRemaining(10)
            .setRefill(
                CreditRefill.newBuilder()
                    .setAmount(10)
                    .setInterval(RefillInterval.REFILL_INTERVAL_DAILY))
            .build();
    var created = kg.admin().createKey(key(daily).build());
    String secret = created.getSecret();
    assertEquals(Status.Code.OK.value(), check(secret, "4").getStatus().getCode());
    assertEquals(Status.Code.OK.value(), check(secret, null).getStatus().getCode());
    assertEquals(
        5,
        kg.admin()
            .getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build())
            .getCredits()
            .getRemaining());

    CheckResponse refused = check(secret, "6");
    JsonObject body =
        EnvoyChecks.assertDenied(refused, 429, Status.Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED");
    assertEquals(5, body.get("credits_remaining").getAsLong());
    Map<String, String> headers = EnvoyChecks.headers(refused.getDeniedResponse().getHeadersList());
    // until the next 00:00 UTC: at most a day, at least a second
    long retry = Long.parseLong(headers.get("retry-after"));
    assertEquals(true, retry >= 1 && retry <= 86_400, "retry-after " + retry);
    // the refused call spent nothing: 5 still pay for a call costing 5
    assertEquals(Status.Code.OK.value(), check(secret, "5").getStatus().getCode());
  }

  @Test
  void check_invalidRouteCost_failsClosed() {
    String secret =
        kg.admin()
            .createKey(key(Credits.newBuilder().setRemaining(10).build()).build())
            .getSecret();
    for (String bad : new String[] {"0", "-1", "1.5", "abc", "", "1000001", "99999999999"}) {
      EnvoyChecks.assertDenied(
          check(secret, bad), 500, Status.Code.INTERNAL, "ROUTE_MISCONFIGURED");
    }
  }
}
