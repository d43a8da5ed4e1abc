package dev.keygate.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound of the KeyAdmin worker pool: a call beyond {@code maxCalls} in progress is refused at
 * once with UNAVAILABLE, and the permit comes back when a call ends. The pool here runs nothing
 * until the test lets it, so "in progress" is certain rather than likely.
 */
class OnWorkersTest {
  private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
  private final Executor heldPool = held::add;
  private final OnWorkers onWorkers = new OnWorkers(heldPool, 1);
  private Server server;
  private ManagedChannel channel;

  private void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    new HealthStatusManager().getHealthService(), onWorkers))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private void runHeld() {
    Runnable task;
    while ((task = held.poll()) != null) {
      task.run();
    }
  }

  @Test
  void interceptCall_beyondMaxCalls_unavailableAtOnceAndThePermitComesBack() throws Exception {
    start();
    var first = HealthGrpc.newFutureStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertFalse(first.isDone(), "the first call waits for the pool");
    assertEquals(0, onWorkers.rejected(), "nothing refused yet");

    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("admin calls"));
    assertEquals(1, onWorkers.rejected());

    runHeld(); // the first call runs and ends: its permit is given back
    assertEquals(
        HealthCheckResponse.ServingStatus.SERVING, first.get(5, TimeUnit.SECONDS).getStatus());
    var third = HealthGrpc.newFutureStub(channel).check(HealthCheckRequest.getDefaultInstance());
    runHeld();
    assertEquals(
        HealthCheckResponse.ServingStatus.SERVING, third.get(5, TimeUnit.SECONDS).getStatus());
    assertEquals(1, onWorkers.rejected(), "the third call was admitted");
  }

  @Test
  void interceptCall_handlerThrows_internalAndThePermitComesBack() throws Exception {
    String name = InProcessServerBuilder.generateName();
    HealthGrpc.HealthImplBase failing =
        new HealthGrpc.HealthImplBase() {
          @Override
          public void check(
              HealthCheckRequest request,
              io.grpc.stub.StreamObserver<HealthCheckResponse> responses) {
            throw new IllegalStateException("a bug in a handler");
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(failing, onWorkers))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();

    var call = HealthGrpc.newFutureStub(channel).check(HealthCheckRequest.getDefaultInstance());
    runHeld();
    // answered, not left open until a deadline the client may not have set
    assertTrue(call.isDone(), "the call is closed once its handler has thrown");
    var e = assertThrows(java.util.concurrent.ExecutionException.class, call::get);
    assertEquals(Status.Code.INTERNAL, Status.fromThrowable(e.getCause()).getCode());

    var next = HealthGrpc.newFutureStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertFalse(next.isDone(), "admitted: the failed call gave its only permit back");
    runHeld();
    assertEquals(0, onWorkers.rejected());
  }
}
