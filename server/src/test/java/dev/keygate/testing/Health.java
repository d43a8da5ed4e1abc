package dev.keygate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;

/** Waits for grpc.health.v1 to report a status (bounded, never forever). */
public final class Health {
  private Health() {}

  public static ServingStatus status(Channel channel, String service) {
    try {
      return HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.newBuilder().setService(service).build())
          .getStatus();
    } catch (StatusRuntimeException e) {
      return ServingStatus.UNKNOWN;
    }
  }

  /** Polls until {@code service} reports {@code expected}, failing after {@code within}. */
  public static void await(Channel channel, String service, ServingStatus expected, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    ServingStatus last = status(channel, service);
    while (last != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = status(channel, service);
    }
    assertEquals(expected, last, "health of '" + service + "'");
  }
}
