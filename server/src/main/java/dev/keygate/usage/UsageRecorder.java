package dev.keygate.usage;

import dev.keygate.store.KeyStore;
import dev.keygate.store.UsageDelta;
import dev.keygate.store.UsageNotRecordedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind usage counting: the Authorize path only bumps an in-memory counter; a background
 * thread flushes the sums to the store every interval and once more on close. A failed flush puts
 * back the counts the store certainly did not write, so an outage delays counts instead of losing
 * them; counts whose write is uncertain (sent, no reply in time) are not sent again, so no count is
 * ever added twice.
 */
public final class UsageRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

  private final KeyStore store;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService flusher;
  private final LongAdder flushFailures = new LongAdder();
  private final LongAdder uncertain = new LongAdder();

  /** Starts flushing every {@code interval}; a zero interval flushes only when asked. */
  public UsageRecorder(KeyStore store, Duration interval) {
    this.store = store;
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keygate-usage-flush");
              t.setDaemon(true);
              return t;
            });
    if (!interval.isZero()) {
      long millis = interval.toMillis();
      flusher.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Counts one successful authorization of {@code keyId} at {@code at}. */
  public void record(String keyId, Instant at) {
    long millis = at.toEpochMilli();
    // compute() runs under the map's bin lock, so it never races the remove() in flush()
    pending.compute(
        keyId,
        (id, p) -> {
          Pending next = p == null ? new Pending() : p;
          next.count++;
          next.lastUsedMillis = Math.max(next.lastUsedMillis, millis);
          return next;
        });
  }

  /** Writes every pending count to the store now; on failure they stay pending. */
  public void flush() {
    List<UsageDelta> batch = new ArrayList<>();
    for (String keyId : pending.keySet()) {
      Pending p = pending.remove(keyId);
      if (p != null) {
        batch.add(new UsageDelta(keyId, p.count, Instant.ofEpochMilli(p.lastUsedMillis)));
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      store.recordUsage(batch);
    } catch (UsageNotRecordedException e) {
      // only what certainly was not counted goes back: a delta that may have been counted
      // already is never sent twice (an interrupted flush under-counts instead)
      flushFailures.increment();
      uncertain.add(e.uncertain());
      e.retry().forEach(this::putBack);
      throw e;
    } catch (RuntimeException e) {
      // a store that cannot tell (none today does partial writes): it wrote nothing
      flushFailures.increment();
      batch.forEach(this::putBack);
      throw e;
    }
  }

  /** Flushes that failed (their counts were kept for the next) since start (a metric). */
  public long flushFailures() {
    return flushFailures.sum();
  }

  /**
   * Deltas of interrupted flushes that may or may not have been counted and were not sent again (a
   * metric: usage under-counted by at most these keys' counts).
   */
  public long uncertainDeltas() {
    return uncertain.sum();
  }

  /** Keys with counts not yet written. */
  public int pendingKeys() {
    return pending.size();
  }

  /** Stops the timer and makes a last flush. */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn(
          "usage counts for {} keys could not be written at shutdown: {}",
          pending.size(),
          e.getMessage());
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("usage flush failed, will retry: {}", e.getMessage());
    }
  }

  private void putBack(UsageDelta d) {
    pending.compute(
        d.keyId(),
        (id, p) -> {
          Pending next = p == null ? new Pending() : p;
          next.count += d.count();
          next.lastUsedMillis = Math.max(next.lastUsedMillis, d.lastUsedAt().toEpochMilli());
          return next;
        });
  }

  /** Mutated only inside ConcurrentHashMap.compute, i.e. under its lock. */
  private static final class Pending {
    long count;
    long lastUsedMillis;
  }
}
