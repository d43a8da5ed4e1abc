package dev.keygate.envoy;

import static dev.keygate.envoy.EnvoyChecks.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.testing.Health;
import dev.keygate.testing.NettyKeygate;
import dev.keygate.testing.RedisServer;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server as Main starts it, on a loopback port over a real Redis, called the way Envoy calls it
 * (HTTP/2 gRPC to envoy.service.auth.v3.Authorization on keygate's own port). When Redis goes away
 * the Check is an RPC error, never an OK and never a denial, so Envoy's failure_mode_allow decides.
 */
class EnvoyOverNettyTest {
  private static final Duration WITHIN = Duration.ofSeconds(15);

  private final NettyKeygate kg = NettyKeygate.start(Map.of());
  private final RedisServer redis = kg.redis;
  private final ManagedChannel channel = kg.channel;

  @AfterEach
  void stop() throws InterruptedException {
    kg.close();
  }

  private CheckResponse check(String secret) {
    return AuthorizationGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(request("GET", "/v1/tasks").bearer(secret).scope("tasks:read").build());
  }

  @Test
  void check_overRedis_allowsThenErrorsWhileRedisIsDown() throws Exception {
    Health.await(channel, AuthorizationGrpc.SERVICE_NAME, ServingStatus.SERVING, WITHIN);
    String secret =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build())
            .getSecret();
    assertEquals(Code.OK.value(), check(secret).getStatus().getCode());

    redis.kill();
    // until keygate notices the outage a cached key may still be allowed (documented in
    // docs/operations.md, "Failure modes"); once it has, the Check must be an RPC error, never a
    // denial
    Health.await(channel, AuthorizationGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING, WITHIN);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> check(secret));
    assertEquals(Code.UNAVAILABLE, e.getStatus().getCode());
  }
}
