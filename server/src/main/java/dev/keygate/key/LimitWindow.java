package dev.keygate.key;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * How a limit's period runs: rolling (a token bucket refilling continuously over its period), or a
 * calendar day or month in UTC (a quota counted from the boundary and reset whole at the next one,
 * never sliding).
 */
public enum LimitWindow {
  ROLLING,
  CALENDAR_DAY,
  CALENDAR_MONTH;

  /**
   * The window holding {@code now}, numbered so that later windows have larger numbers: the UTC
   * epoch day for a day, {@code year * 12 + month - 1} for a month.
   *
   * @throws IllegalStateException for {@link #ROLLING}, which has no numbered windows
   */
  public long windowAt(Instant now) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return switch (this) {
      case CALENDAR_DAY -> day.toEpochDay();
      case CALENDAR_MONTH -> day.getYear() * 12L + day.getMonthValue() - 1;
      case ROLLING -> throw new IllegalStateException("a rolling limit has no calendar windows");
    };
  }

  /** When the window holding {@code now} ends: the next UTC midnight, or the next 1st at 00:00. */
  public Instant windowEnd(Instant now) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate next =
        switch (this) {
          case CALENDAR_DAY -> day.plusDays(1);
          case CALENDAR_MONTH -> day.withDayOfMonth(1).plusMonths(1);
          case ROLLING ->
              throw new IllegalStateException("a rolling limit has no calendar windows");
        };
    return next.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** True for a calendar day or month. */
  public boolean isCalendar() {
    return this != ROLLING;
  }

  /** The text form in settings and ErrorInfo metadata: "day" or "month". */
  public String label() {
    return switch (this) {
      case CALENDAR_DAY -> "day";
      case CALENDAR_MONTH -> "month";
      case ROLLING -> "rolling";
    };
  }

  /** The longest a window lasts, for bounds (idle eviction) that need a duration. */
  public java.time.Duration longest() {
    return switch (this) {
      case CALENDAR_DAY -> ChronoUnit.DAYS.getDuration();
      case CALENDAR_MONTH -> ChronoUnit.DAYS.getDuration().multipliedBy(31);
      case ROLLING -> throw new IllegalStateException("a rolling limit's length is its period");
    };
  }
}
