package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.Credits;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Credits counted in one sidecar: spending, the exact cover, generations, refills, give-backs. */
class InProcessCreditsTest {
  private static final Instant DAY1 = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final LimitOwner KEY = LimitOwner.key("k1");

  private final InProcessCredits credits = new InProcessCredits();

  private static SharedLimiter.Take take(Credits c, int cost, Instant at) {
    return new SharedLimiter.Take(
        KEY, List.of(), 1, Optional.of(new SharedLimiter.CreditCharge(c, cost)), at);
  }

  private SharedLimiter.Grant spend(Credits c, int cost, Instant at) {
    return credits.acquire(take(c, cost, at)).join();
  }

  private static Credits plain(long amount, long generation) {
    return new Credits(amount, Optional.empty(), generation);
  }

  private static Credits dailyRefill(long amount, long refill) {
    return new Credits(
        amount, Optional.of(new Credits.Refill(refill, Credits.Interval.DAILY, 0)), 1);
  }

  @Test
  void acquire_rateLimits_refused() {
    SharedLimiter.Take limits =
        new SharedLimiter.Take(
            KEY, List.of(new RateLimitSpec(1, Duration.ofSeconds(1))), 1, Optional.empty(), DAY1);
    assertThrows(IllegalArgumentException.class, () -> credits.acquire(limits));
  }

  @Test
  void acquire_nothingToCharge_grantsWhatWasWanted() {
    SharedLimiter.Grant g =
        credits.acquire(new SharedLimiter.Take(KEY, List.of(), 1, Optional.empty(), DAY1)).join();
    assertEquals(1, g.granted());
    assertEquals(OptionalLong.empty(), g.creditsLeft());
    assertTrue(g.creditsSuffice());
  }

  @Test
  void acquire_spendsUntilTheCostIsNotCovered_exactCoverSpends() {
    Credits five = plain(5, 1);
    SharedLimiter.Grant first = spend(five, 2, DAY1);
    assertEquals(1, first.granted());
    assertEquals(OptionalLong.of(3), first.creditsLeft());
    assertEquals(OptionalLong.of(0), spend(five, 3, DAY1).creditsLeft(), "3 covers 3");
    SharedLimiter.Grant refused = spend(five, 1, DAY1);
    assertEquals(0, refused.granted());
    assertFalse(refused.creditsSuffice());
    assertEquals(OptionalLong.of(0), refused.creditsLeft());
  }

  @Test
  void acquire_refusedCallSpendsNothing() {
    Credits three = plain(3, 1);
    assertFalse(spend(three, 4, DAY1).creditsSuffice());
    assertEquals(OptionalLong.of(0), spend(three, 3, DAY1).creditsLeft());
  }

  @Test
  void acquire_newerGenerationResetsTheBalanceOnce() {
    spend(plain(5, 1), 5, DAY1);
    Credits reset = plain(10, 2);
    assertEquals(OptionalLong.of(9), spend(reset, 1, DAY1).creditsLeft());
    assertEquals(OptionalLong.of(8), spend(reset, 1, DAY1).creditsLeft(), "not reset again");
    assertEquals(OptionalLong.of(7), spend(plain(100, 1), 1, DAY1).creditsLeft(), "older ignored");
  }

  @Test
  void acquire_laterRefillWindowSetsTheRefillAmountOnce() {
    Credits c = dailyRefill(5, 3);
    assertEquals(OptionalLong.of(4), spend(c, 1, DAY1).creditsLeft());
    assertEquals(
        OptionalLong.of(2), spend(c, 1, DAY2).creditsLeft(), "refilled to 3, then 1 spent");
    assertEquals(OptionalLong.of(1), spend(c, 1, DAY2).creditsLeft(), "the same window");
    assertEquals(3L, credits.balance("k1", c, DAY2.plus(Duration.ofDays(1))), "the next window's");
  }

  @Test
  void release_givesBackCountTimesCost_inTheSameGenerationAndWindow() {
    Credits c = dailyRefill(10, 10);
    spend(c, 3, DAY1);
    credits.release(take(c, 3, DAY1), 1).join();
    assertEquals(10L, credits.balance("k1", c, DAY1));
    spend(c, 2, DAY1);
    credits.release(take(c, 2, DAY1), 2).join();
    assertEquals(12L, credits.balance("k1", c, DAY1));
  }

  @Test
  void release_otherGenerationOrWindowOrUnknownKey_nothing() {
    Credits c = dailyRefill(10, 10);
    spend(c, 4, DAY1);
    credits.release(take(c.at(2), 4, DAY1), 1).join();
    assertEquals(6L, credits.balance("k1", c, DAY1), "another generation");
    credits.release(take(c, 4, DAY2), 1).join();
    assertEquals(6L, credits.balance("k1", c, DAY1), "another window");
    credits
        .release(
            new SharedLimiter.Take(
                LimitOwner.key("nobody"),
                List.of(),
                1,
                Optional.of(new SharedLimiter.CreditCharge(c, 1)),
                DAY1),
            1)
        .join();
    assertEquals(10L, credits.balance("nobody", c, DAY1));
  }

  @Test
  void balance_unusedKeyHasTheFullAmount() {
    assertEquals(7L, credits.balance("k9", plain(7, 1), DAY1));
  }
}
