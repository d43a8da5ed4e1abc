package dev.keygate.error;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A domain failure with a {@link Reason}. Messages are written for the caller and never contain key
 * material.
 */
public class KeygateException extends RuntimeException {
  private final Reason reason;
  private final Map<String, String> metadata;
  private final List<FieldViolation> violations;
  private final Duration retryAfter;

  public KeygateException(Reason reason, String message) {
    this(reason, message, Map.of(), List.of(), null);
  }

  public KeygateException(
      Reason reason,
      String message,
      Map<String, String> metadata,
      List<FieldViolation> violations,
      Duration retryAfter) {
    super(message, null, false, false);
    this.reason = reason;
    this.metadata = Map.copyOf(metadata);
    this.violations = List.copyOf(violations);
    this.retryAfter = retryAfter;
  }

  /** INVALID_ARGUMENT with field violations. */
  public static KeygateException invalid(List<FieldViolation> violations) {
    String first = violations.get(0).field() + ": " + violations.get(0).description();
    String message =
        violations.size() == 1 ? first : first + " (and " + (violations.size() - 1) + " more)";
    return new KeygateException(Reason.INVALID_ARGUMENT, message, Map.of(), violations, null);
  }

  public Reason reason() {
    return reason;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /** When to retry, for RATE_LIMITED; null otherwise. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
