package dev.keygate.concurrent;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two bounded building blocks every pool of keygate is made of: a fixed number of daemon
 * threads, and a resilience4j bulkhead that refuses at once (never waits) beyond its limit. The
 * pools' queues are bounded by the bulkhead in front of them, not by the queue itself.
 */
public final class Bounded {
  private Bounded() {}

  /**
   * A pool of at most {@code threads} daemon threads named {@code prefix1}, {@code prefix2}, ...,
   * started on demand and stopped after 30 s idle.
   */
  public static ThreadPoolExecutor threads(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, prefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A bulkhead admitting {@code max} at once and refusing the next at once, without a trace. */
  public static Bulkhead bulkhead(String name, int max) {
    return Bulkhead.of(
        name,
        BulkheadConfig.custom()
            .maxConcurrentCalls(max)
            .maxWaitDuration(Duration.ZERO)
            .writableStackTraceEnabled(false)
            .build());
  }
}
