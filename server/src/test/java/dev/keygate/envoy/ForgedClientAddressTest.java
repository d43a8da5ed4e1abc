package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.assertDenied;
import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.testing.NettyKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Client addresses nobody can forge, over a real Netty port: Envoy's {@code source.address} and
 * {@code x-forwarded-for} are believed only from a trusted peer (loopback by default), and however
 * long the header, the throttle counts the client the trusted proxy saw.
 */
class ForgedClientAddressTest {
  private final NettyKeygate kg =
      NettyKeygate.start(
          Map.of(
              "KEYGATE_LISTEN", "0.0.0.0:0",
              "KEYGATE_AUTH_FAILURE_LIMIT", "3",
              "KEYGATE_TRUSTED_PROXY_HOPS", "1"));
  private ManagedChannel external;

  @AfterEach
  void close() throws InterruptedException {
    if (external != null) {
      external.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    kg.close();
  }

  private String goodKey() {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .build())
        .getSecret();
  }

  private static CheckResponse check(ManagedChannel channel, EnvoyChecks request) {
    return AuthorizationGrpc.newBlockingStub(channel).check(request.build());
  }

  /** A non-loopback address of this machine: a peer keygate does not trust by default. */
  private static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return null;
  }

  @Test
  void check_forgedSourceAddressFromUntrustedPeer_throttleCountsThePeer() throws Exception {
    String host = nonLoopbackAddress();
    Assumptions.assumeTrue(host != null, "needs a non-loopback IPv4 interface");
    external = NettyChannelBuilder.forAddress(host, kg.server.port()).usePlaintext().build();
    String key = goodKey();
    // each failure claims another client, loopback included: all are counted against the peer
    String[] forged = {"127.0.0.1", "198.51.100.1", "198.51.100.2"};
    for (String source : forged) {
      assertDenied(
          check(
              external,
              request("GET", "/v1/tasks")
                  .source(source)
                  .header("x-forwarded-for", source)
                  .bearer("kg_live_wrong")
                  .scope("tasks:read")),
          401,
          Code.UNAUTHENTICATED,
          "KEY_MALFORMED");
    }
    assertDenied(
        check(
            external,
            request("GET", "/v1/tasks").source("198.51.100.3").bearer(key).scope("tasks:read")),
        429,
        Code.RESOURCE_EXHAUSTED,
        "AUTH_FAILURES_THROTTLED");
    // the trusted Envoy (loopback) is believed: its client 198.51.100.3 is not the throttled peer
    assertEquals(
        Code.OK.value(),
        check(
                kg.channel,
                request("GET", "/v1/tasks").source("198.51.100.3").bearer(key).scope("tasks:read"))
            .getStatus()
            .getCode());
  }

  @Test
  void check_hundredEntryForwardedFor_throttleCountsTheRealClient() {
    String key = goodKey();
    for (int i = 0; i < 3; i++) {
      assertDenied(
          check(
              kg.channel,
              request("GET", "/v1/tasks")
                  .source("10.0.0.5") // the load balancer
                  .header("x-forwarded-for", forwardedFor(i, "203.0.113.50"))
                  .bearer("kg_live_wrong")
                  .scope("tasks:read")),
          401,
          Code.UNAUTHENTICATED,
          "KEY_MALFORMED");
    }
    // the client changed its 99 invented entries; the entry the trusted proxy wrote gives it away
    assertDenied(
        check(
            kg.channel,
            request("GET", "/v1/tasks")
                .source("10.0.0.5")
                .header("x-forwarded-for", forwardedFor(7, "203.0.113.50"))
                .bearer(key)
                .scope("tasks:read")),
        429,
        Code.RESOURCE_EXHAUSTED,
        "AUTH_FAILURES_THROTTLED");
    // everyone else behind the same load balancer is unaffected
    assertEquals(
        Code.OK.value(),
        check(
                kg.channel,
                request("GET", "/v1/tasks")
                    .source("10.0.0.5")
                    .header("x-forwarded-for", forwardedFor(8, "203.0.113.51"))
                    .bearer(key)
                    .scope("tasks:read"))
            .getStatus()
            .getCode());
  }

  /** 99 entries a client made up (different for each {@code variant}), then the real client. */
  private static String forwardedFor(int variant, String client) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 99; i++) {
      b.append("198.18.").append(variant).append('.').append(i).append(", ");
    }
    return b.append(client).toString();
  }
}
