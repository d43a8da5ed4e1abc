package dev.keygate.store;

import dev.keygate.concurrent.Bounded;
import dev.keygate.key.ApiKeyRecord;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decision path's reads of a store that must be waited for (Redis): concurrent reads share
 * pipelined round trips ({@link KeyStore#findAll}), several batches may be in flight at once over
 * pooled connections, and every bound is explicit, so a caller never parks a thread and a sick
 * Redis costs it microseconds:
 *
 * <ul>
 *   <li><b>Outstanding reads</b> (queued or in flight) are capped by a resilience4j {@link
 *       Bulkhead} of {@code maxPending}; beyond it a read fails at once.
 *   <li><b>Batches in flight</b> are capped at {@code maxInFlight}, each on one of as many I/O
 *       threads (the only threads that block on Redis); reads that arrive meanwhile queue for the
 *       next batch, up to {@code maxBatch} per round trip. A lone read is sent at once. While a
 *       batch has been in flight longer than {@code stallAfter}, Redis is stalled and nothing more
 *       is sent until it ends.
 *   <li><b>Waits</b>: a read's answer completes by its caller's deadline or {@code maxWait},
 *       whichever is sooner; a read whose deadline passed while it queued is dropped before its
 *       batch is sent.
 *   <li><b>An open circuit</b> ({@link RedisCircuit}) fails a read at once, before it queues.
 * </ul>
 *
 * <p>Answers complete the waiting reads on the I/O thread that read them; whatever the callers
 * chained runs there (a decision's few microseconds), never on a transport thread that waits.
 */
public final class BatchingKeyReader implements KeyLookup, AutoCloseable {
  /** Reads per round trip at most: a few KiB of commands, well inside one socket write. */
  public static final int DEFAULT_MAX_BATCH = 128;

  private final KeyStore store;
  private final int maxBatch;
  private final int maxInFlight;
  private final long maxWaitNanos;
  private final RedisCircuit circuit;
  private final Bulkhead pending;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  // each batch in flight, by the I/O thread sending it (at most maxInFlight entries)
  private final Map<Thread, InFlight> sending = new ConcurrentHashMap<>();
  private final long stallAfterNanos;
  private final ExecutorService io;
  private final ScheduledThreadPoolExecutor deadlines;
  private final LongAdder batchesStarted = new LongAdder();
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder rejectedFull = new LongAdder();
  private final LongAdder droppedExpired = new LongAdder();
  private volatile boolean closed;

  /**
   * @param store read with {@link KeyStore#findAll}, on the I/O threads only
   * @param settings the bounds
   * @param circuit the store's circuit breaker, for failing at once while it is open
   */
  public BatchingKeyReader(KeyStore store, Settings settings, RedisCircuit circuit) {
    this.store = store;
    this.maxBatch = settings.maxBatch();
    this.maxInFlight = settings.maxInFlight();
    this.maxWaitNanos = settings.maxWait().toNanos();
    this.stallAfterNanos = settings.stallAfter().toNanos();
    this.circuit = circuit;
    this.pending = Bounded.bulkhead("key-reads", settings.maxPending());
    // never more tasks than maxInFlight (see startBatches), so its queue stays that short
    this.io = Bounded.threads(IO_THREAD_PREFIX, maxInFlight);
    // one timer thread for every read: a sweep every SWEEP answers the reads whose wait is over,
    // so a read costs no timer of its own on the hot path
    this.deadlines =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "keygate-read-deadlines");
              t.setDaemon(true);
              return t;
            });
    deadlines.scheduleWithFixedDelay(
        this::sweep, SWEEP.toNanos(), SWEEP.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Prefix of the I/O threads' names: the only threads that wait for Redis key reads. */
  public static final String IO_THREAD_PREFIX = "keygate-redis-read-";

  /**
   * The reader's bounds.
   *
   * @param maxPending reads outstanding at most, queued or in flight ({@code
   *     KEYGATE_REDIS_MAX_PENDING_READS})
   * @param maxInFlight batches in flight at most, = I/O threads ({@code
   *     KEYGATE_REDIS_READ_BATCHES})
   * @param maxBatch reads per round trip at most
   * @param maxWait longest a read waits for its answer without a deadline of its own (2 x {@code
   *     KEYGATE_REDIS_TIMEOUT})
   * @param stallAfter a batch in flight this long means Redis is stalled: no further batch is sent
   *     until it ends (the smaller of 50 ms and half the Redis timeout)
   */
  public record Settings(
      int maxPending, int maxInFlight, int maxBatch, Duration maxWait, Duration stallAfter) {
    public Settings {
      if (maxPending < 1
          || maxInFlight < 1
          || maxBatch < 1
          || maxWait.isNegative()
          || maxWait.isZero()
          || stallAfter.isNegative()
          || stallAfter.isZero()) {
        throw new IllegalArgumentException("reader bounds must be positive");
      }
    }
  }

  @Override
  public CompletableFuture<Optional<ApiKeyRecord>> lookup(String id, Deadline deadline) {
    if (closed) {
      return CompletableFuture.failedFuture(
          StoreUnavailableException.refused(store.describe() + " is closed"));
    }
    Optional<StoreUnavailableException> refused = circuit.refusal(store.describe());
    if (refused.isPresent()) {
      // reads queued just before the circuit opened (or behind its probe) are refused too
      circuit.countRejected(failQueued(refused.get()));
      return CompletableFuture.failedFuture(refused.get());
    }
    long wait = deadline.remainingNanos(maxWaitNanos);
    if (wait == 0) {
      droppedExpired.increment();
      return CompletableFuture.failedFuture(
          StoreUnavailableException.refused("the call's deadline passed before the read"));
    }
    if (!pending.tryAcquirePermission()) {
      rejectedFull.increment();
      return CompletableFuture.failedFuture(
          StoreUnavailableException.refused(
              "too many key reads outstanding ("
                  + pending.getBulkheadConfig().getMaxConcurrentCalls()
                  + ")"));
    }
    Pending p = new Pending(id, System.nanoTime() + wait);
    // the permit is held until the read is answered, whoever answers it (batch, deadline, close)
    p.result.whenComplete((r, e) -> pending.onComplete());
    queue.add(p);
    startBatches();
    return p.answer;
  }

  /**
   * Starts one more I/O turn if reads are queued, a slot is free, every running turn is waiting on
   * Redis and Redis is not stalled; every new read and every finished turn calls this.
   */
  private void startBatches() {
    while (!queue.isEmpty() && !stalled()) {
      int now = inFlight.get();
      if (now >= maxInFlight || now > sending.size()) {
        // every slot is taken, or a turn is between batches and takes the queue up next: a new
        // turn only when all running ones wait on Redis, so batches stay full
        return;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        try {
          io.execute(this::runBatches);
        } catch (RuntimeException e) {
          inFlight.decrementAndGet();
          failQueued(new StoreUnavailableException(store.describe() + " is closed", e));
        }
        return;
      }
    }
  }

  /**
   * One I/O thread's turn: batches until the queue is empty or Redis stalls, then its slot back.
   */
  private void runBatches() {
    try {
      List<Pending> batch;
      while (!stalled() && !(batch = drain()).isEmpty()) {
        if (circuit.rejectsNow()) {
          // the circuit opened meanwhile: refuse all that waits at once, not read by read
          StoreUnavailableException refused =
              StoreUnavailableException.refused(store.describe() + ": circuit breaker open");
          batch.forEach(p -> p.fail(refused));
          circuit.countRejected(batch.size() + failQueued(refused));
          continue;
        }
        if (circuit.breaker().getState() != CircuitBreaker.State.CLOSED) {
          // this one read is the circuit's probe: what queued behind it is refused now, not
          // after the probe has waited out a hung Redis
          circuit.countRejected(
              failQueued(
                  StoreUnavailableException.refused(
                      store.describe() + ": circuit breaker open, probing")));
        }
        send(batch);
      }
    } finally {
      inFlight.decrementAndGet();
      // a read queued after our last drain but before the decrement must not be stranded
      startBatches();
    }
  }

  /**
   * True while the circuit is closed and a batch has been in flight longer than {@code stallAfter}:
   * Redis is not answering, so more batches would only pile onto it. Reads then wait in the queue,
   * each answered by its own deadline, and one whose deadline passes there is never sent. The
   * stalled batch ends within the Redis timeout; its failures open the circuit, which then refuses
   * reads at once.
   */
  private boolean stalled() {
    if (sending.isEmpty() || circuit.breaker().getState() != CircuitBreaker.State.CLOSED) {
      return false;
    }
    long now = System.nanoTime();
    for (InFlight batch : sending.values()) {
      if (now - batch.startedAt() > stallAfterNanos) {
        return true;
      }
    }
    return false;
  }

  private List<Pending> drain() {
    // a breaker not closed admits a probe or refuses: one read at a time, never a big batch
    int limit = circuit.breaker().getState() == CircuitBreaker.State.CLOSED ? maxBatch : 1;
    List<Pending> batch = new ArrayList<>(Math.min(limit, 16));
    Pending p;
    while (batch.size() < limit && (p = queue.poll()) != null) {
      if (p.answer.isDone()) {
        // its caller's deadline passed while it queued: never sent
        droppedExpired.increment();
        p.result.complete(null);
        continue;
      }
      batch.add(p);
    }
    return batch;
  }

  private void send(List<Pending> batch) {
    batchesStarted.increment();
    List<String> ids = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      ids.add(p.id);
    }
    sending.put(Thread.currentThread(), new InFlight(System.nanoTime(), batch));
    try {
      Map<String, Optional<ApiKeyRecord>> found = store.findAll(ids);
      roundTrips.increment();
      reads.add(batch.size());
      for (Pending p : batch) {
        Optional<ApiKeyRecord> record = found.get(p.id);
        if (record == null) {
          p.fail(new IllegalStateException("the store did not answer for one id"));
        } else {
          p.complete(record);
        }
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        p.fail(e);
      }
    } finally {
      sending.remove(Thread.currentThread());
    }
  }

  /**
   * Answers every read whose wait is over (its caller's deadline, or {@code maxWait}), queued or in
   * flight: within {@link #SWEEP} of it, whatever Redis does. A queued one stays queued until a
   * turn drops it, unsent; an in-flight one is released when its batch ends.
   */
  private void sweep() {
    long now = System.nanoTime();
    for (Pending p : queue) {
      p.expireIfDue(now);
    }
    for (InFlight batch : sending.values()) {
      for (Pending p : batch.reads()) {
        p.expireIfDue(now);
      }
    }
  }

  /** How often waits are checked: the most a read may be answered after its deadline. */
  static final Duration SWEEP = Duration.ofMillis(5);

  private record InFlight(long startedAt, List<Pending> reads) {}

  /** Fails every queued read with {@code e}; how many there were. */
  private int failQueued(RuntimeException e) {
    int failed = 0;
    Pending p;
    while ((p = queue.poll()) != null) {
      p.fail(e);
      failed++;
    }
    return failed;
  }

  /** Batches taken off the queue so far, including those in flight (tests wait on it). */
  public long batchesStarted() {
    return batchesStarted.sum();
  }

  /** Reads waiting for a batch now (tests wait on it). */
  public int queued() {
    return queue.size();
  }

  /** Round trips ({@code findAll} calls) answered so far. */
  public long roundTrips() {
    return roundTrips.sum();
  }

  /** Reads answered by round trips so far. */
  public long reads() {
    return reads.sum();
  }

  /** Reads refused at once because {@code maxPending} were outstanding (a metric). */
  public long rejectedFull() {
    return rejectedFull.sum();
  }

  /** Reads whose deadline passed before they were sent, so never sent (a metric). */
  public long droppedExpired() {
    return droppedExpired.sum();
  }

  /** Reads outstanding now, queued or in flight. */
  public int outstanding() {
    return pending.getBulkheadConfig().getMaxConcurrentCalls()
        - pending.getMetrics().getAvailableConcurrentCalls();
  }

  /** Fails queued reads; a batch in flight finishes on its own (bounded by the store's timeout). */
  @Override
  public void close() {
    closed = true;
    io.shutdown();
    deadlines.shutdownNow();
    failQueued(StoreUnavailableException.refused(store.describe() + " is closed"));
  }

  /**
   * One read: {@code answer} is what the caller sees (completed by the batch, or by its deadline);
   * {@code result} completes when the read is really over (the batch answered, or it was dropped),
   * which is when its bulkhead permit is given back.
   */
  private static final class Pending {
    private static final StoreUnavailableException LATE =
        StoreUnavailableException.refused(
            "no answer from the key store within the call's deadline");

    final String id;
    final long deadline;
    final CompletableFuture<Optional<ApiKeyRecord>> answer = new CompletableFuture<>();
    final CompletableFuture<Void> result = new CompletableFuture<>();

    Pending(String id, long deadline) {
      this.id = id;
      this.deadline = deadline;
    }

    void expireIfDue(long now) {
      if (now - deadline >= 0 && !answer.isDone()) {
        answer.completeExceptionally(LATE);
      }
    }

    void complete(Optional<ApiKeyRecord> record) {
      answer.complete(record);
      result.complete(null);
    }

    void fail(Throwable e) {
      answer.completeExceptionally(e);
      result.completeExceptionally(e);
    }
  }
}
