package dev.keygate.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that another thread makes true (a pub/sub message, a reconnect). The limit
 * only keeps a broken build from hanging; it is not a speed requirement, which the benchmark
 * measures instead.
 */
public final class Eventually {
  private static final long LIMIT_MILLIS = 20_000;

  /**
   * The suite's common limit on any wait: it keeps a broken build from hanging and is never a speed
   * requirement.
   */
  public static final Duration LIMIT = Duration.ofMillis(LIMIT_MILLIS);

  private Eventually() {}

  public static void await(String what, BooleanSupplier condition) {
    await(() -> what, condition);
  }

  /** As {@link #await(String, BooleanSupplier)}, with a message built when the wait gives up. */
  public static void await(Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("gave up waiting for: " + what.get());
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for: " + what.get());
      }
    }
  }
}
