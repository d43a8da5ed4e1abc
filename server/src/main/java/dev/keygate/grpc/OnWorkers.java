package dev.keygate.grpc;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a service's calls on the worker pool although the server runs everything on the transport
 * thread (Netty's event loop, {@code directExecutor}): every listener callback (message,
 * half-close, cancel, ...) is handed to the pool, one at a time and in order per call, in the
 * context it was delivered in. For services that may block (KeyAdmin reads and writes Redis). Must
 * be the outermost interceptor of the service, so the inner ones and the handler run on the pool.
 */
public final class OnWorkers implements ServerInterceptor {
  private final Executor workers;

  public OnWorkers(Executor workers) {
    this.workers = workers;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Serial serial = new Serial(workers);
    // startCall of a unary handler only builds its listener; the handler runs on half-close
    ServerCall.Listener<ReqT> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(ReqT message) {
        serial.execute(Context.current().wrap(() -> delegate().onMessage(message)));
      }

      @Override
      public void onHalfClose() {
        serial.execute(Context.current().wrap(() -> delegate().onHalfClose()));
      }

      @Override
      public void onCancel() {
        serial.execute(Context.current().wrap(() -> delegate().onCancel()));
      }

      @Override
      public void onComplete() {
        serial.execute(Context.current().wrap(() -> delegate().onComplete()));
      }

      @Override
      public void onReady() {
        serial.execute(Context.current().wrap(() -> delegate().onReady()));
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
