package dev.keygate.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one kind of call and measures it. Closed loop: {@code concurrency} virtual clients, each
 * sending its next call when the previous one completes (measures peak throughput). Open loop:
 * calls start on a fixed schedule whatever the server does, and latency counts from the
 * <em>intended</em> start, so a stalled server cannot hide its queueing (no coordinated omission).
 * A warm-up precedes every measured phase and is not recorded.
 */
final class LoadRunner {
  /** Most calls in flight in open loop before the generator itself gives up on the schedule. */
  private static final int OPEN_LOOP_MAX_IN_FLIGHT = 20_000;

  private LoadRunner() {}

  /** What a run produced: counts and the latency histogram (nanoseconds). */
  record Result(long ok, long failed, double seconds, Histogram latency) {
    double throughput() {
      return (ok + failed) / seconds;
    }

    double micros(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1_000.0;
    }
  }

  /**
   * One call; the future fails for an error status (e.g. a denial), which is counted as failed but
   * still timed: a denial is a full answer.
   */
  interface Call extends Supplier<ListenableFuture<?>> {}

  static Result closedLoop(Call call, int concurrency, Duration warmup, Duration duration) {
    run(call, concurrency, warmup, null);
    Recorder recorder = new Recorder(3);
    Counts counts = run(call, concurrency, duration, recorder);
    return new Result(
        counts.ok.get(), counts.failed.get(), counts.seconds, recorder.getIntervalHistogram());
  }

  private static final class Counts {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    double seconds;
  }

  private static Counts run(Call call, int concurrency, Duration duration, Recorder recorder) {
    Counts counts = new Counts();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    CountDownLatch clientsDone = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Object() {
        void next() {
          long t0 = System.nanoTime();
          if (t0 >= end) {
            clientsDone.countDown();
            return;
          }
          whenDone(call.get(), counts, recorder, t0, this::next);
        }
      }.next();
    }
    await(clientsDone, duration);
    counts.seconds = (System.nanoTime() - start) / 1e9;
    return counts;
  }

  static Result openLoop(Call call, double perSecond, Duration warmup, Duration duration) {
    schedule(call, perSecond, warmup, null);
    Recorder recorder = new Recorder(3);
    Counts counts = schedule(call, perSecond, duration, recorder);
    return new Result(
        counts.ok.get(), counts.failed.get(), counts.seconds, recorder.getIntervalHistogram());
  }

  private static Counts schedule(Call call, double perSecond, Duration duration, Recorder rec) {
    Counts counts = new Counts();
    Semaphore inFlight = new Semaphore(OPEN_LOOP_MAX_IN_FLIGHT);
    long interval = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long total = (long) (duration.toNanos() / (double) interval);
    for (long i = 0; i < total; i++) {
      long intended = start + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquireUninterruptibly();
      whenDone(call.get(), counts, rec, intended, inFlight::release);
    }
    inFlight.acquireUninterruptibly(OPEN_LOOP_MAX_IN_FLIGHT);
    inFlight.release(OPEN_LOOP_MAX_IN_FLIGHT);
    counts.seconds = (System.nanoTime() - start) / 1e9;
    return counts;
  }

  /**
   * When {@code future} completes: records its latency since {@code sinceNanos} (when a recorder is
   * given), counts it as ok or failed, then runs {@code then}.
   */
  private static void whenDone(
      ListenableFuture<?> future,
      Counts counts,
      Recorder recorder,
      long sinceNanos,
      Runnable then) {
    Futures.addCallback(
        future,
        new FutureCallback<Object>() {
          @Override
          public void onSuccess(Object result) {
            done(true);
          }

          @Override
          public void onFailure(Throwable t) {
            done(false);
          }

          private void done(boolean ok) {
            if (recorder != null) {
              recorder.recordValue(Math.max(1, System.nanoTime() - sinceNanos));
            }
            (ok ? counts.ok : counts.failed).incrementAndGet();
            then.run();
          }
        },
        MoreExecutors.directExecutor());
  }

  private static void await(CountDownLatch latch, Duration duration) {
    try {
      // a call never outlives its deadline (set by the caller's stubs), so this always ends
      if (!latch.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("load clients did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
