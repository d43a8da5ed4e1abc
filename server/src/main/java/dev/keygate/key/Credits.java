package dev.keygate.key;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * A key's credits (remaining uses): every admitted call spends its cost, and a call whose cost
 * exceeds what is left is refused with CREDITS_EXHAUSTED. The balance itself is counted by the
 * limiter (in Redis, in the key's slot, for every sidecar at once); the record holds only how it
 * was last set and how it refills.
 *
 * @param amount the balance the last CreateKey or UpdateKey set, 0 to {@value #MAX_CREDITS}
 * @param refill how the balance refills; empty = never (refill is explicit, there is no default)
 * @param generation increases with every admin change of the credits (the record's version when
 *     they were set): a limiter holding an older generation resets the balance to {@code amount}
 *     when it sees a newer one, and never goes back to an older one
 */
public record Credits(long amount, Optional<Refill> refill, long generation) {
  /** Most credits a key may hold. */
  public static final long MAX_CREDITS = 1_000_000_000_000L;

  public Credits {
    Objects.requireNonNull(refill, "refill");
    if (amount < 0 || amount > MAX_CREDITS) {
      throw new IllegalArgumentException("credits must be 0 to " + MAX_CREDITS);
    }
  }

  /** The same credits set again at {@code generation}. */
  public Credits at(long generation) {
    return new Credits(amount, refill, generation);
  }

  /**
   * The refill window holding {@code now}: larger for later windows; 0 when the credits never
   * refill.
   */
  public long windowAt(Instant now) {
    return refill.map(r -> r.windowAt(now)).orElse(0L);
  }

  /** When the balance next refills after {@code now}; empty when it never does. */
  public Optional<Instant> nextRefill(Instant now) {
    return refill.map(r -> r.nextAt(now));
  }

  /** Compact text form used in Redis: {@code <amount>/<generation>[/<refill>]}. */
  public String encode() {
    return amount + "/" + generation + refill.map(r -> "/" + r.encode()).orElse("");
  }

  /** Reverses {@link #encode()}. */
  public static Credits decode(String encoded) {
    String[] parts = encoded.split("/", 3);
    return new Credits(
        Long.parseLong(parts[0]),
        parts.length > 2 ? Optional.of(Refill.decode(parts[2])) : Optional.empty(),
        Long.parseLong(parts[1]));
  }

  /** How often the balance refills. */
  public enum Interval {
    DAILY,
    MONTHLY
  }

  /**
   * A refill: at each boundary the balance is set to {@code amount} (not added to: unused credits
   * do not pile up).
   *
   * @param amount the balance after a refill, 1 to {@value #MAX_CREDITS}
   * @param interval daily (at 00:00 UTC) or monthly
   * @param anchorDay for a monthly refill, the day of the month it happens on at 00:00 UTC, 1 to 28
   *     (every month has it); 0 for a daily refill
   */
  public record Refill(long amount, Interval interval, int anchorDay) {
    public static final int MAX_ANCHOR_DAY = 28;

    public Refill {
      Objects.requireNonNull(interval, "interval");
      if (amount < 1 || amount > MAX_CREDITS) {
        throw new IllegalArgumentException("refill amount must be 1 to " + MAX_CREDITS);
      }
      if (interval == Interval.DAILY && anchorDay != 0) {
        throw new IllegalArgumentException("a daily refill has no anchor day");
      }
      if (interval == Interval.MONTHLY && (anchorDay < 1 || anchorDay > MAX_ANCHOR_DAY)) {
        throw new IllegalArgumentException("anchor day must be 1 to " + MAX_ANCHOR_DAY);
      }
    }

    /**
     * The refill window holding {@code now}, numbered upward: a day, or a month from its anchor.
     */
    public long windowAt(Instant now) {
      if (interval == Interval.DAILY) {
        return LimitWindow.CALENDAR_DAY.windowAt(now);
      }
      long month = LimitWindow.CALENDAR_MONTH.windowAt(now);
      // before this month's anchor day, the window is the one that began last month
      return LocalDate.ofInstant(now, ZoneOffset.UTC).getDayOfMonth() < anchorDay
          ? month - 1
          : month;
    }

    /** The first refill after {@code now}. */
    public Instant nextAt(Instant now) {
      LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
      LocalDate next;
      if (interval == Interval.DAILY) {
        next = day.plusDays(1);
      } else {
        LocalDate anchor = day.withDayOfMonth(anchorDay);
        next = day.getDayOfMonth() < anchorDay ? anchor : anchor.plusMonths(1);
      }
      return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** {@code d<amount>} or {@code m<anchor day>:<amount>}. */
    String encode() {
      return interval == Interval.DAILY ? "d" + amount : "m" + anchorDay + ":" + amount;
    }

    static Refill decode(String encoded) {
      if (encoded.charAt(0) == 'd') {
        return new Refill(Long.parseLong(encoded.substring(1)), Interval.DAILY, 0);
      }
      int colon = encoded.indexOf(':');
      return new Refill(
          Long.parseLong(encoded.substring(colon + 1)),
          Interval.MONTHLY,
          Integer.parseInt(encoded.substring(1, colon)));
    }
  }
}
