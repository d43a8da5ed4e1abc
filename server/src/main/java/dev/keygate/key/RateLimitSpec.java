package dev.keygate.key;

import java.time.Duration;

/**
 * A rate limit: at most {@code requests} calls per {@code period}.
 *
 * @param requests calls admitted per period, 1 to {@value #MAX_REQUESTS}
 * @param period the period, {@link #MIN_PERIOD} to {@link #MAX_PERIOD}, whole milliseconds
 */
public record RateLimitSpec(int requests, Duration period) {
  public static final int MAX_REQUESTS = 1_000_000;
  public static final Duration MIN_PERIOD = Duration.ofSeconds(1);
  public static final Duration MAX_PERIOD = Duration.ofDays(1);

  public RateLimitSpec {
    if (requests < 1 || requests > MAX_REQUESTS) {
      throw new IllegalArgumentException("requests must be 1 to " + MAX_REQUESTS);
    }
    if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException("period must be 1s to 1d");
    }
  }

  /** Compact text form {@code <requests>/<period millis>}, used in Redis. */
  public String encode() {
    return requests + "/" + period.toMillis();
  }

  /** Reverses {@link #encode()}. */
  public static RateLimitSpec decode(String encoded) {
    int slash = encoded.indexOf('/');
    return new RateLimitSpec(
        Integer.parseInt(encoded.substring(0, slash)),
        Duration.ofMillis(Long.parseLong(encoded.substring(slash + 1))));
  }
}
