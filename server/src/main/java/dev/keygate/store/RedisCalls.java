package dev.keygate.store;

import dev.keygate.concurrent.Bounded;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Runs blocking Redis calls of the decision path (shared rate limits) for callers that must not
 * block: on a fixed, small pool of threads, with a resilience4j {@link Bulkhead} capping the calls
 * outstanding (queued or running). Beyond the cap, or while the circuit is open, a call fails at
 * once with {@link StoreUnavailableException}.
 */
final class RedisCalls implements AutoCloseable {
  /** Threads that may wait on Redis for these calls. */
  static final int THREADS = 4;

  /** Calls outstanding at most. */
  static final int MAX_OUTSTANDING = 1024;

  private final RedisCircuit circuit;
  private final Bulkhead outstanding;
  private final ThreadPoolExecutor pool;
  private final LongAdder rejectedFull = new LongAdder();

  RedisCalls(String name, RedisCircuit circuit) {
    this.circuit = circuit;
    this.outstanding = Bounded.bulkhead(name, MAX_OUTSTANDING);
    // the bulkhead bounds the queue: never more than MAX_OUTSTANDING tasks are submitted
    this.pool = Bounded.threads("keygate-" + name + "-", THREADS);
  }

  /** Runs {@code call} on the pool; the answer completes when it returns. */
  <T> CompletableFuture<T> submit(Supplier<T> call) {
    Optional<StoreUnavailableException> refused = circuit.refusal("redis");
    if (refused.isPresent()) {
      return CompletableFuture.failedFuture(refused.get());
    }
    if (!outstanding.tryAcquirePermission()) {
      rejectedFull.increment();
      return CompletableFuture.failedFuture(
          StoreUnavailableException.refused(
              "too many Redis calls outstanding (" + MAX_OUTSTANDING + ")"));
    }
    CompletableFuture<T> answer = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              answer.complete(call.get());
            } catch (RuntimeException e) {
              answer.completeExceptionally(e);
            } finally {
              outstanding.onComplete();
            }
          });
    } catch (RejectedExecutionException e) {
      outstanding.onComplete();
      answer.completeExceptionally(new StoreUnavailableException("redis is closed", e));
    }
    return answer;
  }

  /** Calls refused because the bulkhead was full (a metric). */
  long rejectedFull() {
    return rejectedFull.sum();
  }

  @Override
  public void close() {
    pool.shutdown();
  }
}
