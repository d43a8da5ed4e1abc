package dev.keygate.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;

/**
 * Moves the rest of a unary call from the transport thread to the worker pool. gRPC no longer
 * catches what the work throws (it already returned from the handler), so this does: the client
 * gets INTERNAL instead of a call that never ends.
 */
public final class Offload {
  private Offload() {}

  /**
   * Runs {@code work} (which answers {@code responses}) on {@code workers}, in the call's context
   * (deadline, cancellation).
   */
  public static void run(Executor workers, StreamObserver<?> responses, Runnable work, Logger log) {
    Runnable task =
        Context.current()
            .wrap(
                () -> {
                  try {
                    work.run();
                  } catch (RuntimeException e) {
                    // the class and where, never the message: messages of unexpected failures are
                    // not
                    // vetted for secrets
                    log.error("call failed: {} at {}", e.getClass().getName(), where(e));
                    fail(responses, Status.INTERNAL.withDescription("internal error"));
                  }
                });
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      fail(responses, Status.UNAVAILABLE.withDescription("keygate is shutting down"));
    }
  }

  /** The innermost frames that locate a failure, without its message. */
  static String where(Throwable e) {
    StackTraceElement[] frames = e.getStackTrace();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(6, frames.length); i++) {
      out.append(i == 0 ? "" : " < ").append(frames[i]);
    }
    return out.toString();
  }

  private static void fail(StreamObserver<?> responses, Status status) {
    try {
      responses.onError(status.asRuntimeException());
    } catch (RuntimeException alreadyClosed) {
      // the call was answered or cancelled before the failure: nothing left to tell
    }
  }
}
