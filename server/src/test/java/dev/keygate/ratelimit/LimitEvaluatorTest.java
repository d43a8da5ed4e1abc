package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The limits that govern a call in one sidecar without a shared store (global limits are then
 * counted locally): the key's own, the configured default, the project's quota, and which state a
 * verdict reports.
 */
class LimitEvaluatorTest {
  private static final RateLimitSpec ONE_PER_HOUR = new RateLimitSpec(1, Duration.ofHours(1));
  private static final RateLimitSpec TWO_PER_HOUR = new RateLimitSpec(2, Duration.ofHours(1));
  private static final RateLimitSpec FIVE_PER_DAY = new RateLimitSpec(5, Duration.ofDays(1));

  private final RateLimits local = new RateLimits();

  private static ApiKeyRecord key(String id, List<KeyLimit> limits) {
    return new ApiKeyRecord.Builder().id(id).project("acme").limits(limits).build();
  }

  private static KeyLimit limit(RateLimitSpec spec, LimitScope scope) {
    return new KeyLimit(spec, scope);
  }

  private static LimitEvaluator.Verdict now(CompletableFuture<LimitEvaluator.Verdict> v) {
    assertTrue(v.isDone(), "local limits decide at once");
    return v.join();
  }

  @Test
  void evaluate_noLimitsAnywhere_unlimitedWithoutState() {
    LimitEvaluator e =
        new LimitEvaluator(local, Optional.empty(), false, null, List.of(), Clock.systemUTC());
    LimitEvaluator.Verdict v = now(e.evaluate(key("k1", List.of())));
    assertEquals(new LimitEvaluator.Verdict(true, null, null, null, Optional.empty()), v);
    assertEquals(0, local.size());
  }

  @Test
  void evaluate_ownLimit_tightestStateThenRefusalWithRetry() {
    LimitEvaluator e =
        new LimitEvaluator(local, Optional.empty(), false, null, List.of(), Clock.systemUTC());
    ApiKeyRecord k = key("k1", List.of(limit(ONE_PER_HOUR, LimitScope.LOCAL)));
    LimitEvaluator.Verdict first = now(e.evaluate(k));
    assertTrue(first.admitted());
    assertEquals(ONE_PER_HOUR, first.tightest().spec());
    assertEquals(0, first.tightest().remaining());
    assertEquals(LimitOwner.Kind.KEY, first.tightest().subject());
    LimitEvaluator.Verdict second = now(e.evaluate(k));
    assertFalse(second.admitted());
    assertNull(second.tightest());
    assertEquals(ONE_PER_HOUR, second.refusing().spec());
    assertEquals(second.refusing().resetAfter(), second.retryAfter());
  }

  @Test
  void evaluate_twoOwnLimits_tightestIsTheFewestRemaining() {
    LimitEvaluator e =
        new LimitEvaluator(local, Optional.empty(), false, null, List.of(), Clock.systemUTC());
    ApiKeyRecord k =
        key(
            "k1",
            List.of(limit(FIVE_PER_DAY, LimitScope.LOCAL), limit(TWO_PER_HOUR, LimitScope.LOCAL)));
    LimitEvaluator.Verdict v = now(e.evaluate(k));
    assertEquals(TWO_PER_HOUR, v.tightest().spec());
    assertEquals(1, v.tightest().remaining());
  }

  @Test
  void evaluate_defaultLimitStandsInOnlyForKeysWithoutLimits() {
    LimitEvaluator e =
        new LimitEvaluator(
            local, Optional.empty(), false, ONE_PER_HOUR, List.of(), Clock.systemUTC());
    ApiKeyRecord bare = key("k1", List.of());
    assertTrue(now(e.evaluate(bare)).admitted());
    LimitEvaluator.Verdict refused = now(e.evaluate(bare));
    assertFalse(refused.admitted());
    assertEquals(ONE_PER_HOUR, refused.refusing().spec());
    ApiKeyRecord own = key("k2", List.of(limit(TWO_PER_HOUR, LimitScope.LOCAL)));
    assertTrue(now(e.evaluate(own)).admitted());
    assertTrue(now(e.evaluate(own)).admitted(), "its own limit, not the default, applies");
  }

  @Test
  void evaluate_globalScopeWithoutSharedStore_countedLocally() {
    for (boolean defaultGlobal : new boolean[] {false, true}) {
      RateLimits limits = new RateLimits();
      LimitEvaluator e =
          new LimitEvaluator(
              limits, Optional.empty(), defaultGlobal, null, List.of(), Clock.systemUTC());
      ApiKeyRecord k =
          key(
              "k1",
              List.of(
                  limit(ONE_PER_HOUR, LimitScope.GLOBAL), limit(FIVE_PER_DAY, LimitScope.DEFAULT)));
      LimitEvaluator.Verdict first = now(e.evaluate(k));
      assertTrue(first.admitted());
      assertSame(LimitScope.LOCAL, first.tightest().scope());
      assertFalse(now(e.evaluate(k)).admitted());
      assertEquals(2, limits.size());
    }
  }

  @Test
  void evaluate_projectQuota_sharedByTheProjectsKeys() {
    LimitEvaluator e =
        new LimitEvaluator(
            local,
            Optional.empty(),
            false,
            null,
            List.of(limit(TWO_PER_HOUR, LimitScope.LOCAL)),
            Clock.systemUTC());
    LimitEvaluator.Verdict a = now(e.evaluate(key("k1", List.of())));
    assertTrue(a.admitted());
    assertEquals(LimitOwner.Kind.PROJECT, a.tightest().subject());
    assertEquals(LimitScope.LOCAL, a.tightest().scope());
    assertEquals(1, a.tightest().remaining());
    assertTrue(now(e.evaluate(key("k2", List.of()))).admitted());
    LimitEvaluator.Verdict refused = now(e.evaluate(key("k3", List.of())));
    assertFalse(refused.admitted());
    assertEquals(LimitOwner.Kind.PROJECT, refused.refusing().subject());
    assertEquals(TWO_PER_HOUR, refused.refusing().spec());
  }

  @Test
  void evaluate_refusingLimitIsTheLongestWait() {
    LimitEvaluator e =
        new LimitEvaluator(
            local,
            Optional.empty(),
            false,
            null,
            List.of(limit(new RateLimitSpec(1, Duration.ofDays(1)), LimitScope.LOCAL)),
            Clock.systemUTC());
    ApiKeyRecord k = key("k1", List.of(limit(ONE_PER_HOUR, LimitScope.LOCAL)));
    assertTrue(now(e.evaluate(k)).admitted());
    LimitEvaluator.Verdict refused = now(e.evaluate(k));
    assertFalse(refused.admitted());
    assertEquals(LimitOwner.Kind.PROJECT, refused.refusing().subject());
    assertTrue(refused.retryAfter().compareTo(Duration.ofHours(1)) > 0, "the day's wait");
  }

  @Test
  void limitState_asAndWithRemaining_keepTheRest() {
    LimitState s = new LimitState(true, ONE_PER_HOUR, 3, Duration.ofMinutes(2));
    assertEquals(LimitScope.LOCAL, s.scope());
    assertEquals(LimitOwner.Kind.KEY, s.subject());
    assertEquals(
        new LimitState(
            true,
            ONE_PER_HOUR,
            3,
            Duration.ofMinutes(2),
            LimitScope.GLOBAL,
            LimitOwner.Kind.PROJECT),
        s.as(LimitScope.GLOBAL, LimitOwner.Kind.PROJECT));
    assertEquals(new LimitState(true, ONE_PER_HOUR, 1, Duration.ofMinutes(2)), s.withRemaining(1));
  }

  @Test
  void limitOwner_labels() {
    assertEquals("key", LimitOwner.Kind.KEY.label());
    assertEquals("project", LimitOwner.Kind.PROJECT.label());
    assertEquals(new LimitOwner(LimitOwner.Kind.PROJECT, "acme"), LimitOwner.project("acme"));
    assertEquals(new LimitOwner(LimitOwner.Kind.KEY, "k1"), LimitOwner.key("k1"));
  }
}
