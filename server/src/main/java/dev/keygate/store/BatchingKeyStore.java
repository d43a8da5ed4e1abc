package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Batches concurrent {@link #find} calls into {@link KeyStore#findAll} round trips (pipelined
 * HGETALLs on Redis): one collector thread takes the first queued read, drains whatever else is
 * queued (up to {@code maxBatch}), reads them all in one round trip and hands each caller its
 * record. While that batch is in flight, newly arriving reads queue up for the next one. A lone
 * read is sent at once (no waiting for company), so an idle sidecar pays nothing for batching.
 *
 * <p>Callers still block until their record arrives, exactly as with a direct {@code find}: the
 * verified-key cache above runs the read inside its per-id load, so its invalidation ordering (a
 * racing invalidation waits for the load, then removes it) is unchanged. A failed round trip fails
 * every read in it with the store's {@link StoreUnavailableException}.
 *
 * <p>All other operations go straight to the delegate.
 */
public final class BatchingKeyStore implements KeyStore {
  /** Reads per round trip at most: a few KiB of commands, well inside one socket write. */
  public static final int DEFAULT_MAX_BATCH = 128;

  private final KeyStore delegate;
  private final int maxBatch;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread collector;
  private final LongAdder batchesStarted = new LongAdder();
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private volatile boolean closed;

  public BatchingKeyStore(KeyStore delegate) {
    this(delegate, DEFAULT_MAX_BATCH);
  }

  /**
   * @param maxBatch most reads sent in one round trip
   */
  public BatchingKeyStore(KeyStore delegate, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be positive");
    }
    this.delegate = delegate;
    this.maxBatch = maxBatch;
    this.collector = new Thread(this::collect, "keygate-redis-batch");
    collector.setDaemon(true);
    collector.start();
  }

  /** The store the batches are read from. */
  @Override
  public KeyStore delegate() {
    return delegate;
  }

  /** Batches taken off the queue so far, including one in flight (tests wait on it). */
  public long batchesStarted() {
    return batchesStarted.sum();
  }

  /** Round trips ({@code findAll} calls) answered for batched reads so far. */
  public long roundTrips() {
    return roundTrips.sum();
  }

  /** Reads answered through batches so far. */
  public long reads() {
    return reads.sum();
  }

  /** Reads waiting for the next round trip (tests wait on it). */
  public int queued() {
    return queue.size();
  }

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    if (closed) {
      throw new StoreUnavailableException(delegate.describe() + " is closed", null);
    }
    Pending pending = new Pending(id);
    queue.add(pending);
    if (closed) {
      // close() may have drained the queue before our add: never wait on a dead collector
      failAll(new StoreUnavailableException(delegate.describe() + " is closed", null));
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return pending.result.get();
        } catch (InterruptedException e) {
          // the read is already queued and bounded by the store's timeout: wait for it, like
          // a direct blocking read would, and restore the flag after
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new StoreUnavailableException("key read failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void collect() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!closed) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue; // close() interrupts; the loop condition decides
      }
      queue.drainTo(batch, maxBatch - 1);
      List<String> ids = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        ids.add(p.id);
      }
      batchesStarted.increment();
      try {
        Map<String, Optional<ApiKeyRecord>> found = delegate.findAll(ids);
        roundTrips.increment();
        reads.add(batch.size());
        for (Pending p : batch) {
          Optional<ApiKeyRecord> record = found.get(p.id);
          if (record == null) {
            p.result.completeExceptionally(
                new IllegalStateException("the store did not answer for one id"));
          } else {
            p.result.complete(record);
          }
        }
      } catch (RuntimeException e) {
        for (Pending p : batch) {
          p.result.completeExceptionally(e);
        }
      }
      batch.clear();
    }
  }

  private void failAll(RuntimeException e) {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    for (Pending p : left) {
      p.result.completeExceptionally(e);
    }
  }

  @Override
  public Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    return delegate.findAll(ids);
  }

  @Override
  public CreateOutcome create(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    return delegate.create(key, requestId, maxActiveKeys, now);
  }

  @Override
  public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    return delegate.list(project, pageToken, pageSize, includeRevoked);
  }

  @Override
  public boolean replace(ApiKeyRecord updated, long expectedVersion) {
    return delegate.replace(updated, expectedVersion);
  }

  @Override
  public void recordUsage(Collection<UsageDelta> deltas) {
    delegate.recordUsage(deltas);
  }

  @Override
  public boolean ping() {
    return delegate.ping();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  /** Stops the collector (a batch in flight finishes), fails queued reads, closes the delegate. */
  @Override
  public void close() {
    closed = true;
    collector.interrupt();
    try {
      collector.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new StoreUnavailableException(delegate.describe() + " is closed", null));
    delegate.close();
  }

  private static final class Pending {
    final String id;
    final CompletableFuture<Optional<ApiKeyRecord>> result = new CompletableFuture<>();

    Pending(String id) {
      this.id = id;
    }
  }
}
