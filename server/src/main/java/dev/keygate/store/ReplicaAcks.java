package dev.keygate.store;

import java.time.Duration;

/**
 * How many replicas must acknowledge an admin write ({@code WAIT}) before it is answered OK.
 *
 * @param replicas {@code KEYGATE_REDIS_WAIT_REPLICAS}; 0 = answer once the master applied it
 * @param timeout {@code KEYGATE_REDIS_WAIT_TIMEOUT}, the longest {@code WAIT} for them
 */
public record ReplicaAcks(int replicas, Duration timeout) {
  /** No waiting: a write is answered once the master applied it (Redis's own default). */
  public static final ReplicaAcks NONE = new ReplicaAcks(0, Duration.ofMillis(250));

  public ReplicaAcks {
    if (replicas < 0 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("replicas must be >= 0 and the timeout positive");
    }
  }
}
