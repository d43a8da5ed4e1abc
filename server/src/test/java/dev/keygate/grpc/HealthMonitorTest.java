package dev.keygate.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.testing.Health;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
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
}
