package dev.keygate.grpc;

import dev.keygate.store.Deadline;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * Answers unary calls from a decision that may complete later, on whatever thread completes it:
 * what the answer throws, or a failed decision, becomes INTERNAL (the class and where, never the
 * message), and a call already cancelled (its deadline passed, the client left) is left alone.
 */
public final class Replies {
  private Replies() {}

  /** The current gRPC call's deadline ({@code grpc-timeout}), for the decision's store reads. */
  public static Deadline currentDeadline() {
    io.grpc.Deadline deadline = Context.current().getDeadline();
    return deadline == null
        ? Deadline.none()
        : Deadline.afterNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
  }

  /** When {@code stage} completes, {@code answer} answers {@code responses} with its result. */
  public static <T, R> void when(
      CompletionStage<T> stage,
      StreamObserver<R> responses,
      BiConsumer<T, StreamObserver<R>> answer,
      Logger log) {
    stage.whenComplete(
        (result, failure) -> {
          if (cancelled(responses)) {
            return; // its deadline passed or the client left: nobody to answer
          }
          try {
            if (failure != null) {
              throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
            }
            answer.accept(result, responses);
          } catch (RuntimeException e) {
            if (cancelled(responses)) {
              return; // cancelled while answering: gRPC refuses the answer, nothing was lost
            }
            // messages of unexpected failures are not vetted for secrets: never logged
            log.error("call failed: {} at {}", e.getClass().getName(), where(e));
            fail(responses, Status.INTERNAL.withDescription("internal error"));
          }
        });
  }

  private static boolean cancelled(StreamObserver<?> responses) {
    return responses instanceof ServerCallStreamObserver<?> call && call.isCancelled();
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
