package dev.keygate.key;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Usage counts as stored: a running total, the count of one UTC day, and the last use.
 *
 * @param total successful authorizations ever
 * @param day the UTC day {@code dayCount} belongs to; null if never used
 * @param dayCount successful authorizations on {@code day}
 * @param lastUsedAt last successful authorization; null if never used
 */
public record KeyUsage(long total, LocalDate day, long dayCount, Instant lastUsedAt) {
  public static final KeyUsage NONE = new KeyUsage(0, null, 0, null);

  /** The count for {@code today}: zero when the stored day is another one. */
  public long countOn(LocalDate today) {
    return today.equals(day) ? dayCount : 0;
  }
}
