package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.LimitWindow;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.RateLimits.LocalLimit;
import dev.keygate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The metering stages in process: credits counted without a shared store (spent by cost, refilled,
 * reset by a newer setting), calendar quotas on a frozen clock, and all-or-nothing across the
 * stages against an in-process shared limiter that counts takes and give-backs.
 */
class MeteringStagesTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final RateLimits local = new RateLimits(clock);
  private final List<CreditBalance> reported = new ArrayList<>();

  private LimitEvaluator inProcess(List<KeyLimit> projectLimits) {
    return new LimitEvaluator(
        local, Optional.empty(), false, null, projectLimits, clock, (k, b) -> reported.add(b));
  }

  private static ApiKeyRecord key(String id, List<KeyLimit> limits, Optional<Credits> credits) {
    return new ApiKeyRecord.Builder()
        .id(id)
        .project("acme")
        .name(id)
        .kind(KeyKind.LIVE)
        .prefix("kg_live_" + id)
        .createdAt(Instant.EPOCH)
        .updatedAt(Instant.EPOCH)
        .digest(new byte[32])
        .limits(limits)
        .credits(credits)
        .version(1)
        .build();
  }

  private static Optional<Credits> credits(long amount, Credits.Refill refill, long generation) {
    return Optional.of(new Credits(amount, Optional.ofNullable(refill), generation));
  }

  @Test
  void evaluate_creditsInProcess_spentByCostUntilTheyCannotCover() {
    LimitEvaluator meter = inProcess(List.of());
    ApiKeyRecord k = key("k1", List.of(), credits(10, null, 1));
    LimitEvaluator.Verdict first = meter.evaluate(k, 4).join();
    assertTrue(first.admitted());
    assertEquals(6, first.credits().orElseThrow().remaining());
    assertTrue(first.credits().orElseThrow().covered());
    assertEquals(2, meter.evaluate(k, 4).join().credits().orElseThrow().remaining());
    LimitEvaluator.Verdict refused = meter.evaluate(k, 3).join();
    assertFalse(refused.admitted());
    assertTrue(refused.creditsExhausted());
    assertEquals(2, refused.credits().orElseThrow().remaining());
    assertEquals(null, refused.retryAfter(), "credits that never refill: waiting will not help");
    assertEquals(null, refused.refusing());
    assertEquals(0, meter.evaluate(k, 2).join().credits().orElseThrow().remaining());
    assertEquals(0, (long) meter.creditsLeft(List.of(k)).get(k.id()));
    // the listener heard every decision that counted credits, refusals included
    assertEquals(List.of(6L, 2L, 2L, 0L), reported.stream().map(CreditBalance::remaining).toList());
  }

  @Test
  void evaluate_dailyRefill_setsTheBalanceAtMidnight_andANewerSettingResetsIt() {
    LimitEvaluator meter = inProcess(List.of());
    Credits.Refill daily = new Credits.Refill(5, Credits.Interval.DAILY, 0);
    ApiKeyRecord k = key("k2", List.of(), credits(1, daily, 1));
    assertTrue(meter.evaluate(k, 1).join().admitted());
    LimitEvaluator.Verdict refused = meter.evaluate(k, 1).join();
    assertTrue(refused.creditsExhausted());
    assertEquals(Duration.ofHours(12), refused.retryAfter());
    assertEquals(
        Optional.of(Instant.parse("2026-11-29T00:00:00Z")),
        refused.credits().orElseThrow().nextRefill());
    clock.advance(Duration.ofHours(12));
    assertEquals(
        5, (long) meter.creditsLeft(List.of(k)).get(k.id()), "the refill is due, not yet counted");
    assertEquals(4, meter.evaluate(k, 1).join().credits().orElseThrow().remaining());

    // a newer admin setting (generation 2) resets the balance once
    ApiKeyRecord topped = key("k2", List.of(), credits(50, daily, 2));
    assertEquals(49, meter.evaluate(topped, 1).join().credits().orElseThrow().remaining());
    // a sidecar still holding generation 1 cannot reset it back
    assertEquals(48, meter.evaluate(k, 1).join().credits().orElseThrow().remaining());
    // nor does generation 2 reset it a second time
    assertEquals(47, meter.evaluate(topped, 1).join().credits().orElseThrow().remaining());
    assertEquals(47, (long) meter.creditsLeft(List.of(topped)).get(topped.id()));
    // the next day's refill applies to whichever generation asks first, once
    clock.advance(Duration.ofDays(1));
    assertEquals(4, meter.evaluate(topped, 1).join().credits().orElseThrow().remaining());
    assertEquals(3, meter.evaluate(k, 1).join().credits().orElseThrow().remaining());
  }

  @Test
  void evaluate_localCalendarQuota_refusesUntilTheBoundary() {
    LimitEvaluator meter = inProcess(List.of());
    RateLimitSpec twoADay = RateLimitSpec.calendar(2, LimitWindow.CALENDAR_DAY);
    ApiKeyRecord k = key("k3", List.of(new KeyLimit(twoADay, LimitScope.LOCAL)), Optional.empty());
    LimitEvaluator.Verdict first = meter.evaluate(k).join();
    assertEquals(1, first.tightest().remaining());
    assertEquals(Duration.ofHours(12), first.tightest().resetAfter());
    meter.evaluate(k).join();
    LimitEvaluator.Verdict refused = meter.evaluate(k).join();
    assertFalse(refused.admitted());
    assertEquals(twoADay, refused.refusing().spec());
    assertEquals(Duration.ofHours(12), refused.retryAfter());
    clock.advance(Duration.ofHours(12).minusSeconds(1));
    assertFalse(meter.evaluate(k).join().admitted());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, meter.evaluate(k).join().tightest().remaining());
  }

  @Test
  void evaluate_globalStageRefusedByTheProject_givesTheKeysTakeBack() {
    CountingLimiter shared = new CountingLimiter(Map.of("project:acme", 1));
    LimitEvaluator meter =
        new LimitEvaluator(
            local,
            Optional.of(shared),
            false,
            null,
            List.of(new KeyLimit(new RateLimitSpec(1, Duration.ofHours(1)), LimitScope.GLOBAL)),
            clock);
    RateLimitSpec own = new RateLimitSpec(10, Duration.ofHours(1));
    RateLimitSpec burst = new RateLimitSpec(10, Duration.ofMinutes(1));
    ApiKeyRecord k =
        key(
            "k4",
            List.of(new KeyLimit(own, LimitScope.GLOBAL), new KeyLimit(burst, LimitScope.LOCAL)),
            credits(100, null, 1));
    assertTrue(meter.evaluate(k, 7).join().admitted());
    assertEquals(1, shared.count("key:k4"));
    LimitEvaluator.Verdict refused = meter.evaluate(k, 7).join();
    assertFalse(refused.admitted());
    assertEquals(LimitOwner.Kind.PROJECT, refused.refusing().subject());
    // the key's take (its limit and 7 credits) went back; the local limit was never taken
    assertEquals(1, shared.count("key:k4"));
    assertEquals(93, (long) meter.creditsLeft(List.of(k)).get(k.id()));
    assertEquals(List.of("key:k4"), shared.released);
    assertEquals(
        9,
        local.peek(List.of(new LocalLimit("k4", burst, LimitOwner.Kind.KEY))).get(0).remaining());
  }

  @Test
  void evaluate_localLimitTakenSinceItWasChecked_givesBothGlobalTakesBack() {
    CountingLimiter shared = new CountingLimiter(Map.of());
    RateLimitSpec one = new RateLimitSpec(1, Duration.ofHours(1));
    LimitEvaluator meter =
        new LimitEvaluator(
            local,
            Optional.of(shared),
            false,
            null,
            List.of(new KeyLimit(new RateLimitSpec(5, Duration.ofHours(1)), LimitScope.GLOBAL)),
            clock);
    ApiKeyRecord k =
        key(
            "k5",
            List.of(
                new KeyLimit(new RateLimitSpec(5, Duration.ofHours(1)), LimitScope.GLOBAL),
                new KeyLimit(one, LimitScope.LOCAL)),
            Optional.empty());
    // another call takes the last local permit while the global stages are in flight
    shared.beforeAnswer =
        () -> local.acquireAll(List.of(new LocalLimit("k5", one, LimitOwner.Kind.KEY)));
    LimitEvaluator.Verdict refused = meter.evaluate(k).join();
    assertFalse(refused.admitted());
    assertEquals(one, refused.refusing().spec());
    assertEquals(0, shared.count("key:k5"));
    assertEquals(0, shared.count("project:acme"));
    assertEquals(2, shared.released.size());
  }

  @Test
  void take_creditsAreSpentOneCallAtATime() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SharedLimiter.Take(
                LimitOwner.key("k"),
                List.of(),
                2,
                Optional.of(new SharedLimiter.CreditCharge(new Credits(5, Optional.empty(), 1), 1)),
                Instant.EPOCH));
  }

  /**
   * A shared limiter in process: each owner may take up to its cap (default unlimited); takes and
   * give-backs are counted, credits spent like {@link InProcessCredits}.
   */
  private static final class CountingLimiter implements SharedLimiter {
    private final Map<String, Integer> caps;
    private final Map<String, Integer> counts = new HashMap<>();
    private final InProcessCredits credits = new InProcessCredits();
    final List<String> released = new ArrayList<>();
    Runnable beforeAnswer = () -> {};

    CountingLimiter(Map<String, Integer> caps) {
      this.caps = caps;
    }

    int count(String owner) {
      return counts.getOrDefault(owner, 0);
    }

    private static String name(LimitOwner owner) {
      return owner.kind().label() + ":" + owner.id();
    }

    @Override
    public synchronized CompletableFuture<Grant> acquire(Take take) {
      beforeAnswer.run();
      String owner = name(take.owner());
      boolean room = count(owner) < caps.getOrDefault(owner, Integer.MAX_VALUE);
      List<LimitState> states = new ArrayList<>();
      for (RateLimitSpec spec : take.specs()) {
        states.add(
            new LimitState(
                room,
                spec,
                room ? 1 : 0,
                Duration.ofMinutes(1),
                LimitScope.GLOBAL,
                take.owner().kind()));
      }
      if (take.credits().isEmpty()) {
        if (room) {
          counts.merge(owner, 1, Integer::sum);
        }
        return CompletableFuture.completedFuture(new Grant(room ? 1 : 0, states));
      }
      Grant spent =
          credits.acquire(new Take(take.owner(), List.of(), 1, take.credits(), take.at())).join();
      if (room && spent.granted() == 1) {
        counts.merge(owner, 1, Integer::sum);
      }
      return CompletableFuture.completedFuture(
          new Grant(
              room ? spent.granted() : 0, states, spent.creditsLeft(), spent.creditsSuffice()));
    }

    @Override
    public synchronized CompletableFuture<Void> release(Take take, int count) {
      String owner = name(take.owner());
      released.add(owner);
      counts.merge(owner, -count, Integer::sum);
      return credits.release(
          new Take(take.owner(), List.of(), 1, take.credits(), take.at()), count);
    }

    @Override
    public long balance(String keyId, Credits c, Instant at) {
      return credits.balance(keyId, c, at);
    }
  }
}
