package dev.keygate.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.bench.BenchOptions.HungOptions;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Scenario (h), a hung Redis: the instance under test has a Redis of its own, which is paused with
 * SIGSTOP (it keeps its connections open and never answers, the worst kind of outage). Then {@code
 * calls} concurrent Authorize calls for keys the instance has never seen (so it must ask Redis),
 * each with the deadline Envoy would send; measured: how fast and with what each is answered, and
 * how many threads the server grows meanwhile. A second round follows while Redis is still stopped
 * (a circuit breaker, if any, is open by then). Then SIGCONT, and the time until a good key is
 * allowed again.
 *
 * <p>An OK answer for such a key while Redis is stopped is a wrong decision: the server cannot know
 * the key; it is counted.
 */
final class HungRedis {
  private static final long SAMPLE_MILLIS = 50;
  private static final long POLL_MILLIS = 10;
  private static final long RECOVERY_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final HungOptions o;
  private final Target target;
  private final Path procStatus;

  HungRedis(HungOptions o, Target target) {
    this.o = o;
    this.target = target;
    this.procStatus = Path.of("/proc/" + o.keygatePid() + "/status");
  }

  Map<String, Object> run(String namespace, byte[] pepper) throws Exception {
    // keys written straight into Redis: the instance has never read (or cached) any of them
    String[] secrets = Seeder.seed(o.redis(), namespace, pepper, o.keys() + 2);
    CheckRequest sanity = Target.checkRequest(secrets[o.keys()]);
    CheckRequest probe = Target.checkRequest(secrets[o.keys() + 1]);
    CheckRequest[] uncached = Scenarios.requests(java.util.Arrays.copyOf(secrets, o.keys()));
    target.authorize(sanity, 5_000).get(10, TimeUnit.SECONDS); // works before the outage

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("calls_per_round", o.calls());
    out.put("uncached_keys", o.keys());
    out.put("deadline_ms", o.deadline().toMillis());
    out.put("threads_before", threads());
    signal("STOP", o.redisPid());
    long resumedAt;
    try {
      out.put("round1", round(uncached));
      // Redis still stopped: a breaker would be open by now
      out.put("round2", round(uncached));
    } finally {
      signal("CONT", o.redisPid());
      resumedAt = System.nanoTime();
    }
    out.putAll(recovery(probe, resumedAt));
    Thread.sleep(1_000);
    out.put("threads_after_recovery", threads());
    return out;
  }

  /** One burst: all calls sent at once; answers, their latency and the server's threads. */
  private Map<String, Object> round(CheckRequest[] requests) throws InterruptedException {
    Histogram latency = new Histogram(3);
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    CountDownLatch answered = new CountDownLatch(o.calls());
    List<long[]> samples = new ArrayList<>();
    AtomicBoolean sampling = new AtomicBoolean(true);
    long start = System.nanoTime();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                int n = threads();
                synchronized (samples) {
                  samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, n});
                }
                try {
                  Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-thread-sampler");
    sampler.setDaemon(true);
    sampler.start();
    AtomicLong lastAnswer = new AtomicLong();
    for (int i = 0; i < o.calls(); i++) {
      long t0 = System.nanoTime();
      Futures.addCallback(
          target.authorize(requests[i % requests.length], o.deadline().toMillis()),
          new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
              done("OK");
            }

            @Override
            public void onFailure(Throwable t) {
              done(outcome(t));
            }

            private void done(String outcome) {
              long now = System.nanoTime();
              synchronized (latency) {
                latency.recordValue(Math.max(1, now - t0));
              }
              outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
              lastAnswer.accumulateAndGet(now, Math::max);
              answered.countDown();
            }
          },
          MoreExecutors.directExecutor());
    }
    long sent = System.nanoTime();
    boolean all = answered.await(o.deadline().toMillis() + 60_000, TimeUnit.MILLISECONDS);
    long answersIn = System.nanoTime();
    // the server may go on growing threads for calls whose callers have given up
    Thread.sleep(1_000);
    sampling.set(false);
    sampler.interrupt();
    sampler.join();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("send_ms", (sent - start) / 1e6);
    out.put("all_answered", all);
    out.put("answered", o.calls() - answered.getCount());
    out.put("last_answer_ms", (lastAnswer.get() - start) / 1e6);
    Histogram h;
    synchronized (latency) {
      h = latency.copy();
    }
    out.putAll(latencyMillis(h));
    out.put("within_10ms", h.getTotalCount() == 0 ? 0.0 : share(h, 10));
    Map<String, Long> counts = new TreeMap<>();
    outcomes.forEach((k, v) -> counts.put(k, v.sum()));
    out.put("outcomes", counts);
    out.put("wrong_ok", counts.getOrDefault("OK", 0L));
    long answersInMs = (answersIn - start) / 1_000_000;
    List<Object> series = new ArrayList<>();
    int during = 0;
    int after = -1;
    synchronized (samples) {
      for (long[] s : samples) {
        series.add(List.of(s[0], s[1]));
        if (s[0] <= answersInMs) {
          during = Math.max(during, (int) s[1]);
        } else {
          after = (int) s[1];
        }
      }
    }
    out.put("threads_max_during", during);
    out.put("threads_1s_after", after);
    out.put("threads_max", maxThreads(samples));
    out.put("thread_samples_ms_count", series);
    return out;
  }

  /** Polls a good key every 10 ms after SIGCONT until it is allowed. */
  private Map<String, Object> recovery(CheckRequest probe, long resumedAt)
      throws InterruptedException {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Long> seen = new TreeMap<>();
    int polls = 0;
    while (true) {
      long tick = System.nanoTime();
      polls++;
      String outcome;
      try {
        target.authorize(probe, o.deadline().toMillis()).get();
        outcome = "OK";
      } catch (java.util.concurrent.ExecutionException e) {
        outcome = outcome(e.getCause());
      }
      seen.merge(outcome, 1L, Long::sum);
      long now = System.nanoTime();
      if (outcome.equals("OK")) {
        out.put("recovery_ms", (now - resumedAt) / 1e6);
        break;
      }
      if (now - resumedAt > RECOVERY_LIMIT_NANOS) {
        out.put("recovery_ms", null);
        break;
      }
      long wait = tick + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    out.put("recovery_polls", polls);
    out.put("recovery_poll_outcomes", seen);
    return out;
  }

  private static int maxThreads(List<long[]> samples) {
    synchronized (samples) {
      return (int) samples.stream().mapToLong(s -> s[1]).max().orElse(-1);
    }
  }

  /** p50/p90/p99/max in milliseconds. */
  static Map<String, Object> latencyMillis(Histogram h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50_ms", h.getValueAtPercentile(50) / 1e6);
    out.put("p90_ms", h.getValueAtPercentile(90) / 1e6);
    out.put("p99_ms", h.getValueAtPercentile(99) / 1e6);
    out.put("max_ms", h.getMaxValue() / 1e6);
    return out;
  }

  /** The share of recorded values (nanoseconds) at or below {@code millis}. */
  static double share(Histogram h, long millis) {
    return h.getPercentileAtOrBelowValue(TimeUnit.MILLISECONDS.toNanos(millis)) / 100.0;
  }

  /** A failed call as "CODE" or "CODE/REASON" (the keygate ErrorInfo reason, when there is one). */
  static String outcome(Throwable t) {
    Status status = Status.fromThrowable(t);
    com.google.rpc.Status details = StatusProto.fromThrowable(t);
    if (details != null) {
      for (Any any : details.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          try {
            return status.getCode() + "/" + any.unpack(ErrorInfo.class).getReason();
          } catch (InvalidProtocolBufferException e) {
            break;
          }
        }
      }
    }
    return status.getCode().toString();
  }

  /** The {@code Threads:} line of a /proc/PID/status text; -1 when there is none. */
  static int threads(String procStatus) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    return -1;
  }

  private int threads() {
    try {
      return threads(Files.readString(procStatus));
    } catch (IOException e) {
      return -1; // gone, or not Linux
    }
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }
}
