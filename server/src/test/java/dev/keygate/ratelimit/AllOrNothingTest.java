package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.RateLimits.LocalLimit;
import dev.keygate.ratelimit.SharedLimiter.CreditCharge;
import dev.keygate.ratelimit.SharedLimiter.Take;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.testing.MutableClock;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call metered by several limits, a project quota and credits either passes all of them or spends
 * none of them, against a real redis-server: after a refusal by a later stage, every earlier one
 * holds exactly what it held before.
 */
@ExtendWith(RedisServerExtension.class)
class AllOrNothingTest {
  private static final RateLimitSpec LOCAL = new RateLimitSpec(5, Duration.ofHours(1));
  // 7,000 s / 7: a whole emission interval, so "remaining" does not hover at a rounding edge
  private static final RateLimitSpec GLOBAL = new RateLimitSpec(7, Duration.ofSeconds(7000));
  private static final RateLimitSpec PROJECT = new RateLimitSpec(2, Duration.ofHours(1));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final RedisKeyStore store;
  private final SharedLimiter shared;
  private final RateLimits local = new RateLimits(clock);
  private final LimitEvaluator evaluator;

  AllOrNothingTest(TestRedis redis) {
    store = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), redis.newNamespace());
    shared = store.sharedLimiter();
    evaluator =
        new LimitEvaluator(
            local,
            Optional.of(shared),
            false,
            null,
            List.of(new KeyLimit(PROJECT, LimitScope.GLOBAL)),
            clock);
  }

  @AfterEach
  void close() {
    store.close();
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

  private static final Credits HUNDRED = new Credits(100, Optional.empty(), 1);

  private final ApiKeyRecord metered =
      key(
          "metered00001",
          List.of(new KeyLimit(LOCAL, LimitScope.LOCAL), new KeyLimit(GLOBAL, LimitScope.GLOBAL)),
          Optional.of(HUNDRED));

  /** What one call leaves of the key's global limit: 6 of 7, as a key never used shows. */
  private int firstCallLeaves() {
    int control = remainingAfterOneMore("control00001");
    assertEquals(6, control);
    return control;
  }

  private int remainingAfterOneMore(String keyId) {
    return shared
        .acquire(LimitOwner.key(keyId), List.of(GLOBAL), 1)
        .join()
        .states()
        .get(0)
        .remaining();
  }

  @Test
  void evaluate_refusedByTheProjectQuota_leavesLocalGlobalAndCreditsUntouched() {
    ApiKeyRecord other = key("other0000001", List.of(), Optional.empty());
    assertTrue(evaluator.evaluate(other).join().admitted());
    assertTrue(evaluator.evaluate(other).join().admitted());

    LimitEvaluator.Verdict refused = evaluator.evaluate(metered, 3).join();
    assertFalse(refused.admitted());
    assertEquals(LimitOwner.Kind.PROJECT, refused.refusing().subject());
    assertEquals(PROJECT, refused.refusing().spec());

    // the local limit: whole (peek takes nothing)
    assertEquals(
        5,
        local
            .peek(List.of(new LocalLimit(metered.id(), LOCAL, LimitOwner.Kind.KEY)))
            .get(0)
            .remaining());
    // the key's global limit: this take is its first call, so 6 remain
    assertEquals(firstCallLeaves(), remainingAfterOneMore(metered.id()));
    // the credits: this one-credit take is the first spend
    assertEquals(
        99,
        shared
            .acquire(
                new Take(
                    LimitOwner.key(metered.id()),
                    List.of(),
                    1,
                    Optional.of(new CreditCharge(HUNDRED, 1)),
                    clock.instant()))
            .join()
            .creditsLeft()
            .getAsLong());
  }

  @Test
  void evaluate_refusedByCredits_leavesTheKeysGlobalLimitAndTheProjectQuotaUntouched() {
    ApiKeyRecord poor =
        key(
            "poor00000001",
            List.of(new KeyLimit(GLOBAL, LimitScope.GLOBAL)),
            Optional.of(new Credits(2, Optional.empty(), 1)));
    LimitEvaluator.Verdict refused = evaluator.evaluate(poor, 3).join();
    assertTrue(refused.creditsExhausted());
    assertEquals(2, refused.credits().orElseThrow().remaining());
    // the key's global limit and the project quota: both whole
    assertEquals(firstCallLeaves(), remainingAfterOneMore(poor.id()));
    assertEquals(
        1,
        shared
            .acquire(LimitOwner.project("acme"), List.of(PROJECT), 1)
            .join()
            .states()
            .get(0)
            .remaining());
  }

  @Test
  void evaluate_admitted_spendsEveryStageOnce() {
    LimitEvaluator.Verdict admitted = evaluator.evaluate(metered, 4).join();
    assertTrue(admitted.admitted());
    assertEquals(96, admitted.credits().orElseThrow().remaining());
    // the tightest: the project quota, 1 of 2 left
    assertEquals(PROJECT, admitted.tightest().spec());
    assertEquals(1, admitted.tightest().remaining());
    assertEquals(
        4,
        local
            .peek(List.of(new LocalLimit(metered.id(), LOCAL, LimitOwner.Kind.KEY)))
            .get(0)
            .remaining());
  }

  @Test
  void acquireAll_oneLocalLimitSpent_takesFromNone() {
    RateLimitSpec one = new RateLimitSpec(1, Duration.ofHours(1));
    LocalLimit first = new LocalLimit("k1", LOCAL, LimitOwner.Kind.KEY);
    LocalLimit second = new LocalLimit("k1", one, LimitOwner.Kind.KEY);
    assertTrue(local.acquireAll(List.of(first, second)).stream().allMatch(LimitState::admitted));
    List<LimitState> refused = local.acquireAll(List.of(first, second));
    assertTrue(refused.get(0).admitted(), "the first could have admitted");
    assertFalse(refused.get(1).admitted());
    // the refused call took nothing from the first: 4 left, as after the one admitted call
    assertEquals(4, local.peek(List.of(first)).get(0).remaining());
  }
}
