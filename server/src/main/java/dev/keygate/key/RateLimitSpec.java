package dev.keygate.key;

import dev.keygate.config.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A rate limit: at most {@code requests} calls per {@code period} (rolling), or per calendar day or
 * month in UTC (a quota that resets whole at the boundary).
 *
 * @param requests calls admitted per period, 1 to {@value #MAX_REQUESTS} (rolling) or {@value
 *     #MAX_QUOTA} (calendar)
 * @param period a rolling limit's period, {@link #MIN_PERIOD} to {@link #MAX_PERIOD}, whole
 *     milliseconds; for a calendar limit the longest its window lasts ({@link
 *     LimitWindow#longest()})
 * @param window rolling, or the calendar unit
 */
public record RateLimitSpec(int requests, Duration period, LimitWindow window) {
  public static final int MAX_REQUESTS = 1_000_000;
  public static final int MAX_QUOTA = 1_000_000_000;
  public static final Duration MIN_PERIOD = Duration.ofSeconds(1);
  public static final Duration MAX_PERIOD = Duration.ofDays(1);

  private static final Pattern TEXT = Pattern.compile("(\\d{1,10})/(\\S+)");

  public RateLimitSpec {
    Objects.requireNonNull(window, "window");
    if (window.isCalendar()) {
      if (requests < 1 || requests > MAX_QUOTA) {
        throw new IllegalArgumentException("requests must be 1 to " + MAX_QUOTA);
      }
      period = window.longest();
    } else {
      if (requests < 1 || requests > MAX_REQUESTS) {
        throw new IllegalArgumentException("requests must be 1 to " + MAX_REQUESTS);
      }
      if (period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
        throw new IllegalArgumentException("period must be 1s to 1d");
      }
    }
  }

  /** A rolling limit. */
  public RateLimitSpec(int requests, Duration period) {
    this(requests, period, LimitWindow.ROLLING);
  }

  /** A quota per calendar day or month (UTC). */
  public static RateLimitSpec calendar(int requests, LimitWindow window) {
    if (!window.isCalendar()) {
      throw new IllegalArgumentException("not a calendar window: " + window);
    }
    return new RateLimitSpec(requests, window.longest(), window);
  }

  /** True for a quota per calendar day or month. */
  public boolean isCalendar() {
    return window.isCalendar();
  }

  /**
   * The period as people write it: a duration ({@code 1m}) for a rolling limit, {@code day} or
   * {@code month} for a calendar one. Used in settings, messages and ErrorInfo metadata.
   */
  public String periodLabel() {
    return isCalendar() ? window.label() : Durations.format(period);
  }

  /**
   * Compact text form used in Redis: {@code <requests>/<period millis>} for a rolling limit, {@code
   * <requests>/D} or {@code <requests>/M} for a calendar day or month.
   */
  public String encode() {
    return switch (window) {
      case ROLLING -> requests + "/" + period.toMillis();
      case CALENDAR_DAY -> requests + "/D";
      case CALENDAR_MONTH -> requests + "/M";
    };
  }

  /** Reverses {@link #encode()}. */
  public static RateLimitSpec decode(String encoded) {
    int slash = encoded.indexOf('/');
    int requests = Integer.parseInt(encoded.substring(0, slash));
    String period = encoded.substring(slash + 1);
    return switch (period) {
      case "D" -> calendar(requests, LimitWindow.CALENDAR_DAY);
      case "M" -> calendar(requests, LimitWindow.CALENDAR_MONTH);
      default -> new RateLimitSpec(requests, Duration.ofMillis(Long.parseLong(period)));
    };
  }

  /**
   * Parses the settings form {@code <requests>/<period>}: a duration ({@code 100/1s}, {@code
   * 6000/1m}) for a rolling limit, {@code day} or {@code month} ({@code 10000/month}) for a
   * calendar quota in UTC.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static RateLimitSpec parse(String text) {
    var m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not <requests>/<period>: " + text);
    }
    long requests = Long.parseLong(m.group(1));
    if (requests > MAX_QUOTA) {
      throw new IllegalArgumentException("requests must be at most " + MAX_QUOTA);
    }
    return switch (m.group(2)) {
      case "day" -> calendar((int) requests, LimitWindow.CALENDAR_DAY);
      case "month" -> calendar((int) requests, LimitWindow.CALENDAR_MONTH);
      default -> new RateLimitSpec((int) requests, Durations.parse(m.group(2)));
    };
  }
}
