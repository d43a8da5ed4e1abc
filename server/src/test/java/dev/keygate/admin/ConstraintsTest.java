package dev.keygate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one definition of "looser", field by field. */
class ConstraintsTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

  private static KeyLimit limit(int requests, int seconds, LimitScope scope) {
    return new KeyLimit(new RateLimitSpec(requests, Duration.ofSeconds(seconds)), scope);
  }

  private static Constraints c(List<String> scopes, Instant expiry, KeyLimit... limits) {
    return new Constraints(scopes, expiry, List.of(limits));
  }

  private static final List<String> READ = List.of("tasks:read");

  @Test
  void looserFields_identicalKeys_none() {
    Constraints bound = c(READ, T, limit(5, 60, LimitScope.DEFAULT));
    assertEquals(List.of(), bound.looserFields(bound));
  }

  @Test
  void looserFields_scopeNotCoveredByBound_scopes() {
    assertEquals(List.of("scopes"), c(List.of("tasks:*"), null).looserFields(c(READ, null)));
    assertEquals(List.of(), c(READ, null).looserFields(c(List.of("tasks:*"), null)));
    assertEquals(
        List.of(), c(List.of("billing:delete"), null).looserFields(c(List.of("admin:*"), null)));
    assertEquals(
        List.of("scopes"), c(List.of("admin:*"), null).looserFields(c(List.of("tasks:*"), null)));
  }

  @Test
  void looserFields_expiry_laterOrNoneIsLooserEarlierOrEqualIsNot() {
    Constraints bound = c(READ, T);
    assertEquals(List.of("expires_at"), c(READ, null).looserFields(bound));
    assertEquals(List.of("expires_at"), c(READ, T.plusMillis(1)).looserFields(bound));
    assertEquals(List.of(), c(READ, T).looserFields(bound));
    assertEquals(List.of(), c(READ, T.minusSeconds(1)).looserFields(bound));
    assertEquals(List.of(), c(READ, T).looserFields(c(READ, null)), "no bound on expiry");
  }

  @Test
  void looserFields_limits_missingOrHigherOrShorterPeriodIsLooser() {
    Constraints bound = c(READ, null, limit(5, 60, LimitScope.DEFAULT));
    assertEquals(List.of("limits"), c(READ, null).looserFields(bound), "no limit = unlimited");
    assertEquals(
        List.of("limits"), c(READ, null, limit(6, 60, LimitScope.DEFAULT)).looserFields(bound));
    assertEquals(
        List.of("limits"),
        c(READ, null, limit(5, 30, LimitScope.DEFAULT)).looserFields(bound),
        "5 per 30 s admits 10 a minute");
    assertEquals(List.of(), c(READ, null, limit(4, 60, LimitScope.DEFAULT)).looserFields(bound));
    assertEquals(List.of(), c(READ, null, limit(5, 120, LimitScope.DEFAULT)).looserFields(bound));
    assertEquals(
        List.of(),
        c(READ, null, limit(1000, 1, LimitScope.LOCAL), limit(5, 60, LimitScope.DEFAULT))
            .looserFields(bound),
        "one matching limit is enough; extra limits only tighten");
  }

  @Test
  void looserFields_limitScope_globalMatchesAnyLocalOnlyLocal() {
    Constraints local = c(READ, null, limit(5, 60, LimitScope.LOCAL));
    Constraints global = c(READ, null, limit(5, 60, LimitScope.GLOBAL));
    assertEquals(List.of(), global.looserFields(local));
    assertEquals(List.of("limits"), local.looserFields(global), "N sidecars admit N times");
    assertEquals(
        List.of("limits"), c(READ, null, limit(5, 60, LimitScope.DEFAULT)).looserFields(global));
  }

  @Test
  void looserFields_everyBoundLimitMustBeMatched() {
    Constraints bound =
        c(READ, null, limit(5, 60, LimitScope.DEFAULT), limit(100, 86_400, LimitScope.GLOBAL));
    assertEquals(
        List.of("limits"), c(READ, null, limit(5, 60, LimitScope.DEFAULT)).looserFields(bound));
    assertEquals(List.of(), bound.looserFields(bound));
  }

  @Test
  void looserFields_severalFields_reportedInOrder() {
    Constraints bound = c(READ, T, limit(5, 60, LimitScope.DEFAULT));
    assertEquals(
        List.of("scopes", "expires_at", "limits"), c(List.of("tasks:*"), null).looserFields(bound));
  }

  private static Constraints credits(long amount, Optional<Credits.Refill> refill) {
    return new Constraints(
        READ,
        null,
        List.of(),
        dev.keygate.access.IpAllowlist.NONE,
        Optional.of(new Credits(amount, refill, 1)));
  }

  private static Optional<Credits.Refill> refill(long amount, Credits.Interval interval) {
    return Optional.of(
        new Credits.Refill(amount, interval, interval == Credits.Interval.DAILY ? 0 : 1));
  }

  @Test
  void looserFields_credits_noneOrMoreOrFasterRefillIsLooser() {
    Constraints bound = credits(100, refill(300, Credits.Interval.MONTHLY));
    assertEquals(
        List.of(), credits(100, refill(300, Credits.Interval.MONTHLY)).looserFields(bound));
    assertEquals(List.of(), credits(5, Optional.empty()).looserFields(bound));
    // a daily refill of 10 is up to 310 a month: more than 300
    assertEquals(List.of(), credits(5, refill(9, Credits.Interval.DAILY)).looserFields(bound));
    assertEquals(
        List.of("credits"), credits(5, refill(10, Credits.Interval.DAILY)).looserFields(bound));
    assertEquals(List.of("credits"), credits(101, Optional.empty()).looserFields(bound));
    assertEquals(List.of("credits"), c(READ, null).looserFields(bound), "unmetered is looser");
    // an unmetered bound allows anything
    assertEquals(List.of(), credits(1_000_000, Optional.empty()).looserFields(c(READ, null)));
  }

  @Test
  void of_keysScopesExpiryOwnLimitsAndAllowlist() {
    RateLimitSpec rate = new RateLimitSpec(5, Duration.ofSeconds(60));
    IpAllowlist fenced = IpAllowlist.parse("c", List.of("192.0.2.0/24"));
    ApiKeyRecord key =
        new ApiKeyRecord.Builder()
            .id("AAAAAAAAAAAA")
            .project("acme")
            .scopes(READ)
            .expiresAt(T)
            .rateLimit(rate)
            .allowlist(fenced)
            .build();
    assertEquals(
        new Constraints(
            READ, T, List.of(new KeyLimit(rate, LimitScope.DEFAULT)), fenced, Optional.empty()),
        Constraints.of(key));
    assertEquals(IpAllowlist.NONE, new Constraints(READ, T, List.of(), null, null).allowlist());
  }
}
