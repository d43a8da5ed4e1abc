package dev.keygate.store;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the decision path does while Redis cannot be reached ({@code KEYGATE_REDIS_FAILURE}).
 * Administration never has a choice: its writes fail with {@code STORE_UNAVAILABLE} either way.
 */
public enum RedisFailurePolicy {
  /** Every lookup that needs Redis answers {@code STORE_UNAVAILABLE}: fail closed. */
  CLOSED("closed"),
  /**
   * Keys Redis confirmed within {@code KEYGATE_REDIS_STALE_MAX_AGE} are decided from the last
   * record read; every other key answers {@code STORE_UNAVAILABLE}.
   */
  STALE("stale");

  private final String label;

  RedisFailurePolicy(String label) {
    this.label = label;
  }

  /** The configuration value, {@code closed} or {@code stale}. */
  public String label() {
    return label;
  }

  public static Optional<RedisFailurePolicy> fromLabel(String label) {
    return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
  }
}
