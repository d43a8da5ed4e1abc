package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.testing.NettyKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * IP allowlists through Envoy ext_authz over a real Netty port and a real redis-server: the client
 * is Envoy's {@code source.address} (the test connects from loopback, a trusted peer), IPv4 and
 * IPv6, inside and outside; outside is a 403 whose body names the address.
 */
class EnvoyAllowlistTest {
  private final NettyKeygate kg = NettyKeygate.start(Map.of());

  @AfterEach
  void close() throws InterruptedException {
    kg.close();
  }

  private String key(String... cidrs) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .addAllAllowedCidrs(List.of(cidrs))
                .build())
        .getSecret();
  }

  private CheckResponse check(String secret, String source) {
    return AuthorizationGrpc.newBlockingStub(kg.channel)
        .check(
            request("GET", "/v1/tasks").bearer(secret).scope("tasks:read").source(source).build());
  }

  private void assertAllowed(String secret, String source) {
    CheckResponse response = check(secret, source);
    assertEquals(Status.Code.OK.value(), response.getStatus().getCode(), response::toString);
  }

  private void assertRefused(String secret, String source, String shown) {
    JsonObject body =
        EnvoyChecks.assertDenied(
            check(secret, source),
            403,
            Status.Code.PERMISSION_DENIED,
            "CLIENT_ADDRESS_NOT_ALLOWED");
    assertEquals(shown, body.get("client_address").getAsString());
  }

  @Test
  void check_ipv4SourceAddress_insideAllowedOutsideForbidden() {
    String secret = key("203.0.113.0/24");

    assertAllowed(secret, "203.0.113.1");
    assertAllowed(secret, "203.0.113.254");
    assertRefused(secret, "203.0.112.255", "203.0.112.255");
    assertRefused(secret, "2001:db8::1", "2001:db8::1");
  }

  @Test
  void check_ipv6SourceAddress_insideAllowedOutsideForbidden() {
    String secret = key("2001:db8:1234::/48");

    assertAllowed(secret, "2001:db8:1234:ffff::1");
    assertAllowed(secret, "2001:0db8:1234:0000:0000:0000:0000:0001");
    assertRefused(secret, "2001:db8:1235::1", "2001:db8:1235::1");
    assertRefused(secret, "203.0.113.1", "203.0.113.1");
  }
}
