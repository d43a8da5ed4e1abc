package dev.keygate.grpc;

import static io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING;
import static io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.Keygate;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.NettyKeygate;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
  private final InProcessKeygate kg = new InProcessKeygate();

  @AfterEach
  void close() {
    kg.close();
  }

  @Test
  void health_notServingUntilStoreAnswers() {
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), ""));
    kg.app.health().poll();
    assertEquals(ServingStatus.SERVING, Health.status(kg.channel(), ""));
    assertEquals(ServingStatus.SERVING, Health.status(kg.channel(), "keygate.v1.Authorize"));
    assertEquals(ServingStatus.SERVING, Health.status(kg.channel(), "keygate.v1.KeyAdmin"));
  }

  @Test
  void health_notServingForGoodOnceShutdownBegins() {
    kg.app.health().poll();
    kg.app.health().close();
    kg.app.health().poll();
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), ""));
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), "keygate.v1.KeyAdmin"));
  }

  @Test
  void liveness_servingWhileStoreDoesNotAnswerAndNotServingOnceShutdownBegins() {
    // before the first poll the store has not answered: readiness is NOT_SERVING, liveness is not
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), ""));
    assertEquals(ServingStatus.SERVING, Health.status(kg.channel(), HealthMonitor.LIVENESS));
    kg.app.health().close();
    assertEquals(ServingStatus.NOT_SERVING, Health.status(kg.channel(), HealthMonitor.LIVENESS));
  }

  @Test
  void circuitEntry_notServingWhileTheBreakerIsOpen_readinessFollowsRedisItself() throws Exception {
    try (NettyKeygate netty = NettyKeygate.start(Map.of())) {
      HealthMonitor health = netty.server.app().health();
      health.poll();
      assertEquals(SERVING, Health.status(netty.channel, Keygate.REDIS_CIRCUIT_HEALTH));
      netty.redis.kill();
      // refused connections: the breaker opens once most recent Redis calls failed
      Eventually.await(
          "the circuit opens",
          () -> {
            assertThrows(StatusRuntimeException.class, () -> netty.admin().createKey(key()));
            health.poll();
            return Health.status(netty.channel, Keygate.REDIS_CIRCUIT_HEALTH) == NOT_SERVING;
          });
      assertEquals(NOT_SERVING, Health.status(netty.channel, ""));
      netty.redis.restart();
      // readiness follows Redis's own answer to PING, past the open breaker ...
      Eventually.await(
          "ready again",
          () -> {
            health.poll();
            return Health.status(netty.channel, "") == SERVING;
          });
      // ... and the next call probes and closes the breaker
      Eventually.await(
          "the circuit closes",
          () -> {
            try {
              netty.admin().createKey(key());
            } catch (StatusRuntimeException e) {
              // the probe may still be refused for a moment
            }
            health.poll();
            return Health.status(netty.channel, Keygate.REDIS_CIRCUIT_HEALTH) == SERVING;
          });
    }
  }

  private static CreateKeyRequest key() {
    return CreateKeyRequest.newBuilder().setProject("acme").setName("k").addScopes("a:b").build();
  }
}
