package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Refill windows and boundaries, calendar windows, and the Redis text forms. */
class CreditsRefillTest {
  private static Instant at(String text) {
    return Instant.parse(text);
  }

  @Test
  void monthlyRefill_windowChangesOnItsAnchorDayOnly() {
    Credits.Refill r = new Credits.Refill(100, Credits.Interval.MONTHLY, 15);
    long before = r.windowAt(at("2026-12-14T23:59:59Z"));
    assertEquals(before, r.windowAt(at("2026-12-01T00:00:00Z")), "the 1st is not the anchor");
    assertEquals(before + 1, r.windowAt(at("2026-12-15T00:00:00Z")));
    assertEquals(at("2026-12-15T00:00:00Z"), r.nextAt(at("2026-12-14T23:59:59Z")));
    assertEquals(at("2027-01-15T00:00:00Z"), r.nextAt(at("2026-12-15T00:00:00Z")));
    // across a year boundary the window still grows by one
    assertEquals(before + 2, r.windowAt(at("2027-01-15T00:00:00Z")));
  }

  @Test
  void dailyRefill_atMidnightUtc() {
    Credits.Refill r = new Credits.Refill(5, Credits.Interval.DAILY, 0);
    assertEquals(r.windowAt(at("2026-11-28T00:00:00Z")), r.windowAt(at("2026-11-28T23:59:59Z")));
    assertEquals(
        r.windowAt(at("2026-11-28T00:00:00Z")) + 1, r.windowAt(at("2026-11-29T00:00:00Z")));
    assertEquals(at("2026-11-29T00:00:00Z"), r.nextAt(at("2026-11-28T12:00:00Z")));
  }

  @Test
  void refill_badValuesRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new Credits.Refill(0, Credits.Interval.DAILY, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new Credits.Refill(5, Credits.Interval.DAILY, 3));
    assertThrows(
        IllegalArgumentException.class, () -> new Credits.Refill(5, Credits.Interval.MONTHLY, 29));
    assertThrows(
        IllegalArgumentException.class, () -> new Credits.Refill(5, Credits.Interval.MONTHLY, 0));
    assertThrows(IllegalArgumentException.class, () -> new Credits(-1, Optional.empty(), 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Credits(Credits.MAX_CREDITS + 1, Optional.empty(), 1));
  }

  @Test
  void encode_roundTrips() {
    Credits plain = new Credits(7, Optional.empty(), 3);
    Credits monthly =
        new Credits(9, Optional.of(new Credits.Refill(50, Credits.Interval.MONTHLY, 28)), 4);
    Credits daily =
        new Credits(0, Optional.of(new Credits.Refill(1, Credits.Interval.DAILY, 0)), 5);
    for (Credits c : new Credits[] {plain, monthly, daily}) {
      assertEquals(c, Credits.decode(c.encode()));
    }
    assertEquals("9/4/m28:50", monthly.encode());
    assertEquals(0, plain.windowAt(at("2026-11-28T12:00:00Z")), "no refill, no windows");
    assertTrue(plain.nextRefill(Instant.EPOCH).isEmpty());
  }

  @Test
  void calendarLimit_windowsAndBoundaries() {
    RateLimitSpec day = RateLimitSpec.parse("10000/day");
    RateLimitSpec month = RateLimitSpec.parse("300000/month");
    assertEquals(LimitWindow.CALENDAR_DAY, day.window());
    assertEquals(at("2026-11-29T00:00:00Z"), day.window().windowEnd(at("2026-11-28T12:00:00Z")));
    assertEquals(at("2027-01-01T00:00:00Z"), month.window().windowEnd(at("2026-12-31T23:59:59Z")));
    assertEquals(
        month.window().windowAt(at("2026-12-31T23:59:59Z")) + 1,
        month.window().windowAt(at("2027-01-01T00:00:00Z")));
    assertEquals("day", day.periodLabel());
    assertEquals("1m", RateLimitSpec.parse("60/1m").periodLabel());
    for (RateLimitSpec s :
        new RateLimitSpec[] {day, month, new RateLimitSpec(100, Duration.ofSeconds(90))}) {
      assertEquals(s, RateLimitSpec.decode(s.encode()));
    }
    assertEquals("10000/D", day.encode());
    // a calendar quota may exceed a rolling limit's maximum, not its own
    assertEquals(RateLimitSpec.MAX_QUOTA, RateLimitSpec.parse("1000000000/month").requests());
    assertThrows(IllegalArgumentException.class, () -> RateLimitSpec.parse("1000000001/month"));
    assertThrows(IllegalArgumentException.class, () -> RateLimitSpec.parse("2000000/1m"));
    assertThrows(IllegalArgumentException.class, () -> RateLimitSpec.parse("10/week"));
    assertThrows(
        IllegalArgumentException.class, () -> RateLimitSpec.calendar(5, LimitWindow.ROLLING));
  }
}
