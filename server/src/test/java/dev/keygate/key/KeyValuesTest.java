package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.access.IpAllowlist;
import dev.keygate.config.ConfigException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The key's value types at their edges: expiry and revocation, own limits, the encoded limit forms,
 * the rate-limit bounds, and the parts of the key format a typo or a forged case could slip
 * through.
 */
class KeyValuesTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

  private static ApiKeyRecord.Builder record() {
    return new ApiKeyRecord.Builder().id("AAAAAAAAAAAA").project("p").name("n").version(3);
  }

  @Test
  void isExpiredAt_atExpiryItIsExpired() {
    ApiKeyRecord k = record().expiresAt(T).build();
    assertFalse(k.isExpiredAt(T.minusMillis(1)));
    assertTrue(k.isExpiredAt(T));
    assertTrue(k.isExpiredAt(T.plusMillis(1)));
    assertFalse(record().build().isExpiredAt(T), "no expiry");
  }

  @Test
  void isActiveAt_falseWhenRevokedOrExpired() {
    assertTrue(record().expiresAt(T).build().isActiveAt(T.minusMillis(1)));
    assertFalse(record().expiresAt(T).build().isActiveAt(T));
    assertFalse(record().revokedAt(T).build().isActiveAt(T.minusSeconds(1)));
    assertTrue(record().revokedAt(T).build().isRevoked());
    assertTrue(record().disabledAt(T).build().isDisabled());
    assertFalse(record().build().isDisabled());
  }

  @Test
  void constructor_nullOptionalsBecomeEmpty() {
    ApiKeyRecord k = record().limits(null).usage(null).disableReason(null).allowlist(null).build();
    assertEquals(List.of(), k.limits());
    assertSame(KeyUsage.NONE, k.usage());
    assertEquals("", k.disableReason());
    assertSame(IpAllowlist.NONE, k.allowlist());
  }

  @Test
  void ownLimits_rateLimitFirstInDefaultScope_thenLimits() {
    RateLimitSpec rate = new RateLimitSpec(5, Duration.ofMinutes(1));
    KeyLimit global = new KeyLimit(new RateLimitSpec(100, Duration.ofHours(1)), LimitScope.GLOBAL);
    assertEquals(List.of(global), record().limits(List.of(global)).build().ownLimits());
    assertEquals(
        List.of(new KeyLimit(rate, LimitScope.DEFAULT), global),
        record().rateLimit(rate).limits(List.of(global)).build().ownLimits());
    assertEquals(List.of(), record().build().ownLimits());
  }

  @Test
  void toString_idProjectVersionOnly() {
    assertEquals(
        "ApiKeyRecord[id=AAAAAAAAAAAA, project=p, version=3]",
        record().digest(new byte[] {1, 2}).build().toString());
  }

  @Test
  void keyLimit_encodeDecode_roundTrip() {
    KeyLimit g = new KeyLimit(new RateLimitSpec(100, Duration.ofMinutes(1)), LimitScope.GLOBAL);
    KeyLimit l = new KeyLimit(new RateLimitSpec(7, Duration.ofSeconds(1)), LimitScope.LOCAL);
    KeyLimit d = new KeyLimit(new RateLimitSpec(1, Duration.ofDays(1)), LimitScope.DEFAULT);
    assertEquals("g100/60000", g.encode());
    assertEquals(g, KeyLimit.decode("g100/60000"));
    assertEquals("g100/60000,l7/1000,d1/86400000", KeyLimit.encodeAll(List.of(g, l, d)));
    assertEquals(List.of(g, l, d), KeyLimit.decodeAll("g100/60000,l7/1000,d1/86400000"));
    assertEquals("", KeyLimit.encodeAll(List.of()));
    assertEquals(List.of(), KeyLimit.decodeAll(""));
    assertEquals(List.of(), KeyLimit.decodeAll(null));
  }

  @Test
  void limitScope_codesAndUnknownCode() {
    assertEquals('d', LimitScope.DEFAULT.code());
    assertEquals('l', LimitScope.LOCAL.code());
    assertEquals('g', LimitScope.GLOBAL.code());
    assertEquals(LimitScope.LOCAL, LimitScope.ofCode('l'));
    assertEquals(
        "unknown limit scope 'x'",
        assertThrows(IllegalArgumentException.class, () -> LimitScope.ofCode('x')).getMessage());
    assertEquals("global", LimitScope.GLOBAL.label());
  }

  @Test
  void rateLimitSpec_boundsInclusive() {
    assertEquals(1, new RateLimitSpec(1, Duration.ofSeconds(1)).requests());
    assertEquals(1_000_000, new RateLimitSpec(1_000_000, Duration.ofDays(1)).requests());
    assertThrows(IllegalArgumentException.class, () -> new RateLimitSpec(0, Duration.ofHours(1)));
    assertThrows(
        IllegalArgumentException.class, () -> new RateLimitSpec(1_000_001, Duration.ofHours(1)));
    assertThrows(
        IllegalArgumentException.class, () -> new RateLimitSpec(1, Duration.ofMillis(999)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RateLimitSpec(1, Duration.ofDays(1).plusMillis(1)));
  }

  @Test
  void rateLimitSpec_encodeDecode() {
    RateLimitSpec s = new RateLimitSpec(250, Duration.ofMillis(1500));
    assertEquals("250/1500", s.encode());
    assertEquals(s, RateLimitSpec.decode("250/1500"));
  }

  @Test
  void keyUsage_countOn_onlyTheStoredDay() {
    LocalDate day = LocalDate.of(2026, 11, 28);
    KeyUsage u = new KeyUsage(10, day, 4, T);
    assertEquals(4, u.countOn(day));
    assertEquals(0, u.countOn(day.plusDays(1)));
    assertEquals(0, KeyUsage.NONE.countOn(day));
  }

  @Test
  void keySettings_fromEnv_environmentAndToStringWithoutPepper() {
    String pepper = "pepper-0123456789abcdef";
    KeySettings s =
        KeySettings.fromEnv(
            Map.of(
                "KEYGATE_PEPPER",
                pepper,
                "KEYGATE_ENVIRONMENT",
                "test",
                "KEYGATE_KEY_PREFIX",
                "ab"));
    assertEquals(KeyKind.TEST, s.environment());
    assertEquals("environment=test, keyPrefix=ab", s.toString());
    assertEquals(
        "KEYGATE_ENVIRONMENT must be live or test",
        assertThrows(
                ConfigException.class,
                () ->
                    KeySettings.fromEnv(
                        Map.of("KEYGATE_PEPPER", pepper, "KEYGATE_ENVIRONMENT", "prod")))
            .getMessage());
  }

  @Test
  void parsedKey_toString_redactsTheSecret() {
    ParsedKey k = new ParsedKey("kg_live_secret", KeyKind.LIVE, "AAAAAAAAAAAA");
    assertEquals("ParsedKey[kind=LIVE, keyId=AAAAAAAAAAAA, secret=<redacted>]", k.toString());
  }

  @Test
  void parse_upperCaseKindWithValidChecksum_rejected() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String body = "kg_LIVE_" + "A".repeat(KeyFormat.ID_LENGTH + KeyFormat.SECRET_LENGTH);
    String forged = body + "_" + KeyFormat.checksum(body);
    assertTrue(format.parse(forged).isEmpty());
    String lower = "kg_live_" + "A".repeat(KeyFormat.ID_LENGTH + KeyFormat.SECRET_LENGTH);
    assertEquals(
        "AAAAAAAAAAAA",
        format.parse(lower + "_" + KeyFormat.checksum(lower)).orElseThrow().keyId());
  }

  @Test
  void prefix_isTheConfiguredOne() {
    assertEquals("acme", new KeyFormat("acme", new SecureRandom()).prefix());
  }

  @Test
  void isBase62_alphabetEdges() {
    assertTrue(Base62.isBase62("09AZaz"));
    assertTrue(Base62.isBase62(""));
    for (String outside : List.of("/", ":", "@", "[", "`", "{", "a-b", "ab_")) {
      assertFalse(Base62.isBase62(outside), outside);
    }
  }

  @Test
  void scopes_coversWildcardNeedsAnAction() {
    assertFalse(Scopes.covers("tasks:*", "tasks:"));
    assertFalse(Scopes.covers("tasks:*", "tasks"));
    assertTrue(Scopes.covers("tasks:*", "tasks:r"));
    assertFalse(Scopes.covers("tasks:*", "tasksx:r"));
  }

  @Test
  void scopes_validate_lengthBoundIs64() {
    String max = "a:" + "b".repeat(62);
    assertEquals(64, max.length());
    assertTrue(Scopes.validate(max).isEmpty());
    assertEquals("scope longer than 64 characters", Scopes.validate(max + "b").orElseThrow());
  }

  @Test
  void rateLimitSpec_calendarQuotaBoundsInclusive() {
    assertEquals(
        1_000_000_000, RateLimitSpec.calendar(1_000_000_000, LimitWindow.CALENDAR_DAY).requests());
    assertEquals(1, RateLimitSpec.calendar(1, LimitWindow.CALENDAR_MONTH).requests());
    assertThrows(
        IllegalArgumentException.class,
        () -> RateLimitSpec.calendar(1_000_000_001, LimitWindow.CALENDAR_DAY));
    assertThrows(
        IllegalArgumentException.class, () -> RateLimitSpec.calendar(0, LimitWindow.CALENDAR_DAY));
  }
}
