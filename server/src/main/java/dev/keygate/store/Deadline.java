package dev.keygate.store;

import java.time.Duration;

/**
 * The latest moment a caller still wants an answer, on {@link System#nanoTime()}: a gRPC call's
 * deadline ({@code grpc-timeout}, which Envoy sets from its ext_authz timeout), or none. The store
 * readers bound every wait by it and never send a read whose deadline has already passed.
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(false, 0);

  private final boolean bounded;
  private final long atNanos;

  private Deadline(boolean bounded, long atNanos) {
    this.bounded = bounded;
    this.atNanos = atNanos;
  }

  /** No deadline of the caller's own: only the store's own bounds apply. */
  public static Deadline none() {
    return NONE;
  }

  /** {@code timeout} from now (zero or negative: already passed). */
  public static Deadline after(Duration timeout) {
    return afterNanos(timeout.toNanos());
  }

  /** {@code nanos} from now. */
  public static Deadline afterNanos(long nanos) {
    return new Deadline(true, System.nanoTime() + nanos);
  }

  /** True if the caller set a deadline. */
  public boolean isBounded() {
    return bounded;
  }

  /** Nanoseconds left, at most {@code cap}; never negative. */
  public long remainingNanos(long cap) {
    if (!bounded) {
      return cap;
    }
    // compared as a difference: nanoTime may wrap
    return Math.max(0, Math.min(cap, atNanos - System.nanoTime()));
  }

  /** True once the deadline has passed (never for {@link #none()}). */
  public boolean expired() {
    return bounded && atNanos - System.nanoTime() <= 0;
  }

  @Override
  public String toString() {
    return bounded ? "Deadline[in " + (atNanos - System.nanoTime()) / 1_000_000 + " ms]" : "none";
  }
}
