package dev.keygate.grpc;

import dev.keygate.concurrent.Bounded;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's calls on the worker pool although the server runs everything on the transport
 * thread (Netty's event loop, {@code directExecutor}): every listener callback (message,
 * half-close, cancel, ...) is handed to the pool, one at a time and in order per call, in the
 * context it was delivered in. For services that may block (KeyAdmin reads and writes Redis). Must
 * be the outermost interceptor of the service, so the inner ones and the handler run on the pool.
 */
public final class OnWorkers implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(OnWorkers.class);

  /** Calls in progress on the pool at most (queued or running); more are refused at once. */
  public static final int MAX_CALLS = 64;

  private final Executor workers;
  private final Bulkhead calls;

  /**
   * @param maxCalls calls in progress at most: a resilience4j bulkhead, which also bounds the
   *     pool's queue (a unary call queues at most a few callbacks at a time)
   */
  public OnWorkers(Executor workers, int maxCalls) {
    this.workers = workers;
    this.calls = Bounded.bulkhead("keyadmin", maxCalls);
  }

  /** Calls refused because {@code maxCalls} were in progress (a metric). */
  public long rejected() {
    return rejected.sum();
  }

  private final LongAdder rejected = new LongAdder();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!calls.tryAcquirePermission()) {
      rejected.increment();
      // UNAVAILABLE: the standard retryable code for a server that is busy right now
      call.close(
          Status.UNAVAILABLE.withDescription(
              "keygate is running its maximum of " + MAX_CALLS + " admin calls; retry"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            calls.onComplete();
          }
        };
    Serial serial = new Serial(workers);
    // startCall of a unary handler only builds its listener; the handler runs on half-close
    ServerCall.Listener<ReqT> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(ReqT message) {
        serial.execute(
            Context.current().wrap(closingOnFailure(call, () -> delegate().onMessage(message))));
      }

      @Override
      public void onHalfClose() {
        serial.execute(
            Context.current().wrap(closingOnFailure(call, () -> delegate().onHalfClose())));
      }

      @Override
      public void onCancel() {
        release.run();
        serial.execute(Context.current().wrap(() -> delegate().onCancel()));
      }

      @Override
      public void onComplete() {
        release.run();
        serial.execute(Context.current().wrap(() -> delegate().onComplete()));
      }

      @Override
      public void onReady() {
        serial.execute(Context.current().wrap(() -> delegate().onReady()));
      }
    };
  }

  /**
   * The handler's callback, answering INTERNAL if it throws. gRPC closes a call whose handler
   * throws only when it runs the handler itself; here the pool runs it, so without this an
   * unexpected exception would leave the call open until the client's deadline, or forever.
   */
  private static Runnable closingOnFailure(ServerCall<?, ?> call, Runnable callback) {
    return () -> {
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.error(
            "KeyAdmin call {} failed unexpectedly",
            call.getMethodDescriptor().getFullMethodName(),
            e);
        try {
          call.close(Status.INTERNAL.withDescription("internal error"), new Metadata());
        } catch (IllegalStateException alreadyClosed) {
          // the handler answered before it threw: the client has its answer
        }
      }
    };
  }

  /** Runs tasks on the pool one after another, in submission order (one call's callbacks). */
  private static final class Serial implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    Serial(Executor pool) {
      this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      schedule();
    }

    private void schedule() {
      if (draining.compareAndSet(false, true)) {
        pool.execute(this::drain);
      }
    }

    private void drain() {
      try {
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
      } finally {
        draining.set(false);
        // a task added after the last poll but before the flag cleared must not be stranded
        if (!tasks.isEmpty()) {
          schedule();
        }
      }
    }
  }
}
