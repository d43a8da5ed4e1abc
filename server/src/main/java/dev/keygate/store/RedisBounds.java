package dev.keygate.store;

import java.time.Duration;

/**
 * How much of keygate a sick Redis may hold, and for how long: the decision path's bounds on top of
 * {@code KEYGATE_REDIS_TIMEOUT}.
 *
 * @param breakerOpen how long the circuit breaker stays open before it probes ({@code
 *     KEYGATE_REDIS_BREAKER_OPEN}, default 500ms)
 * @param maxPendingReads key reads outstanding at most, queued or in flight; more fail at once
 *     ({@code KEYGATE_REDIS_MAX_PENDING_READS}, default 2048)
 * @param readBatches pipelined read batches in flight at once, = threads that wait on Redis for key
 *     reads ({@code KEYGATE_REDIS_READ_BATCHES}, default 4)
 * @param poolSize connections per Redis node at most ({@code KEYGATE_REDIS_POOL_SIZE}, default
 *     {@value #DEFAULT_POOL_SIZE}): every call borrows one (a read batch, a shared-limit call, an
 *     admin write, a usage flush, an audit append) and the invalidation subscription holds one on
 *     each master; a call finding none free waits at most {@code KEYGATE_REDIS_TIMEOUT}, then fails
 */
public record RedisBounds(
    Duration breakerOpen, int maxPendingReads, int readBatches, int poolSize) {
  /** 16 for calls plus the one the invalidation subscription holds. */
  public static final int DEFAULT_POOL_SIZE = 17;

  /** At least one connection for calls beside the subscription's. */
  public static final int MIN_POOL_SIZE = 2;

  public RedisBounds {
    if (breakerOpen.isNegative()
        || breakerOpen.isZero()
        || maxPendingReads < 1
        || readBatches < 1
        || poolSize < MIN_POOL_SIZE) {
      throw new IllegalArgumentException("Redis bounds must be positive");
    }
  }

  /** With the default pool size. */
  public RedisBounds(Duration breakerOpen, int maxPendingReads, int readBatches) {
    this(breakerOpen, maxPendingReads, readBatches, DEFAULT_POOL_SIZE);
  }

  /**
   * A batch in flight this long (at most) means Redis is stalled: a healthy one answers in ~1 ms.
   */
  static final Duration MAX_STALL = Duration.ofMillis(50);

  /** The defaults. */
  public static RedisBounds defaults() {
    return new RedisBounds(Duration.ofMillis(500), 2048, 4, DEFAULT_POOL_SIZE);
  }

  /** The key reader's settings for a Redis timeout: a read waits at most twice the timeout. */
  BatchingKeyReader.Settings readerSettings(Duration timeout) {
    Duration half = timeout.dividedBy(2);
    return new BatchingKeyReader.Settings(
        maxPendingReads,
        readBatches,
        BatchingKeyReader.DEFAULT_MAX_BATCH,
        timeout.multipliedBy(2),
        half.compareTo(MAX_STALL) < 0 ? half : MAX_STALL);
  }
}
