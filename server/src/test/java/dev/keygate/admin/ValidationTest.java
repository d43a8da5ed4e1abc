package dev.keygate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every bound of the admin requests, at the bound and one past it, with the exact violation. */
class ValidationTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  /** The violations a check collects (none when it throws nothing). */
  private static List<FieldViolation> violations(Consumer<Validation> checks) {
    Validation v = new Validation();
    checks.accept(v);
    try {
      v.throwIfInvalid();
      return List.of();
    } catch (KeygateException e) {
      assertEquals(Reason.INVALID_ARGUMENT, e.reason());
      return e.violations();
    }
  }

  private static List<FieldViolation> one(String field, String description) {
    return List.of(new FieldViolation(field, description));
  }

  @Test
  void isProject_patternAndNull() {
    assertTrue(Validation.isProject("a"));
    assertTrue(Validation.isProject("a".repeat(64)));
    assertFalse(Validation.isProject("a".repeat(65)));
    assertFalse(Validation.isProject("-a"));
    assertFalse(Validation.isProject("A"));
    assertFalse(Validation.isProject(""));
    assertFalse(Validation.isProject(null));
  }

  @Test
  void isKeyId_twelveAlphanumericsOnly() {
    assertTrue(Validation.isKeyId("abcDEF012345"));
    assertFalse(Validation.isKeyId("abcDEF01234"));
    assertFalse(Validation.isKeyId("abcDEF0123456"));
    assertFalse(Validation.isKeyId("abcDEF01234-"));
    assertFalse(Validation.isKeyId(null));
  }

  @Test
  void project_invalidOrNull_violation() {
    String why = "must be 1-64 characters of [a-z0-9_-], starting with a letter or digit";
    assertEquals(List.of(), violations(v -> v.project("p", "tasks-1")));
    assertEquals(one("p", why), violations(v -> v.project("p", "Tasks")));
    assertEquals(one("p", why), violations(v -> v.project("p", null)));
  }

  @Test
  void name_blankNullOrTooLong_violation() {
    String why = "must be 1-128 characters, not blank";
    assertEquals(List.of(), violations(v -> v.name("n", "x")));
    assertEquals(List.of(), violations(v -> v.name("n", "x".repeat(128))));
    assertEquals(one("n", why), violations(v -> v.name("n", "x".repeat(129))));
    assertEquals(one("n", why), violations(v -> v.name("n", "   ")));
    assertEquals(one("n", why), violations(v -> v.name("n", null)));
  }

  @Test
  void description_atMost1024_nullAllowed() {
    String why = "must be at most 1024 characters";
    assertEquals(List.of(), violations(v -> v.description("d", null)));
    assertEquals(List.of(), violations(v -> v.description("d", "x".repeat(1024))));
    assertEquals(one("d", why), violations(v -> v.description("d", "x".repeat(1025))));
  }

  private static Map<String, String> entries(int n) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("k" + i, "v");
    }
    return m;
  }

  @Test
  void metadata_entryCount_atMost32() {
    assertEquals(List.of(), violations(v -> v.metadata("m", entries(32))));
    assertEquals(
        one("m", "must have at most 32 entries"), violations(v -> v.metadata("m", entries(33))));
  }

  @Test
  void metadata_keyLength_oneTo64() {
    String why = "keys must be 1-64 characters";
    assertEquals(List.of(), violations(v -> v.metadata("m", Map.of("k".repeat(64), "v"))));
    assertEquals(one("m", why), violations(v -> v.metadata("m", Map.of("k".repeat(65), "v"))));
    assertEquals(one("m", why), violations(v -> v.metadata("m", Map.of("", "v"))));
  }

  @Test
  void metadata_valueLength_atMost256_fieldNamesTheKey() {
    String why = "must be at most 256 characters";
    assertEquals(List.of(), violations(v -> v.metadata("m", Map.of("team", "v".repeat(256)))));
    assertEquals(
        one("m[team]", why), violations(v -> v.metadata("m", Map.of("team", "v".repeat(257)))));
  }

  @Test
  void metadata_longKeyEchoedAbbreviatedTo64() {
    String key64 = "k".repeat(64);
    assertEquals(
        one("m[" + key64 + "]", "must be at most 256 characters"),
        violations(v -> v.metadata("m", Map.of(key64, "v".repeat(257)))));
    String key70 = "k".repeat(70);
    assertEquals(
        List.of(
            new FieldViolation("m", "keys must be 1-64 characters"),
            new FieldViolation("m[" + key64 + "…]", "must be at most 256 characters")),
        violations(v -> v.metadata("m", Map.of(key70, "v".repeat(257)))));
  }

  @Test
  void metadata_onlyFirst32EntriesInspected() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      m.put("k" + i, "v".repeat(300));
    }
    List<FieldViolation> found = violations(v -> v.metadata("m", m));
    assertEquals(33, found.size());
    assertEquals(new FieldViolation("m", "must have at most 32 entries"), found.get(0));
    assertEquals(new FieldViolation("m[k31]", "must be at most 256 characters"), found.get(32));
  }

  private static List<String> scopes(int n) {
    return IntStream.range(0, n).mapToObj(i -> "r" + i + ":read").toList();
  }

  @Test
  void scopes_count_oneTo32() {
    String why = "must hold 1-32 scopes";
    assertEquals(List.of(), violations(v -> v.scopes("s", scopes(1))));
    assertEquals(List.of(), violations(v -> v.scopes("s", scopes(32))));
    assertEquals(one("s", why), violations(v -> v.scopes("s", scopes(33))));
    assertEquals(one("s", why), violations(v -> v.scopes("s", List.of())));
  }

  @Test
  void scopes_invalidScope_violationAtItsIndex() {
    assertEquals(
        one("s[1]", "scope must be resource:action or resource:* in [a-z0-9_.-], e.g. tasks:read"),
        violations(v -> v.scopes("s", List.of("tasks:read", "Tasks"))));
  }

  @Test
  void scopes_repeat_violationAtTheRepeat() {
    assertEquals(
        one("s[2]", "repeats an earlier scope"),
        violations(v -> v.scopes("s", List.of("a:read", "b:read", "a:read"))));
  }

  @Test
  void scopes_onlyFirst32Inspected() {
    List<String> many = new ArrayList<>(scopes(32));
    many.add("r0:read"); // index 32: a repeat, past the inspected ones
    many.add("r1:read");
    assertEquals(one("s", "must hold 1-32 scopes"), violations(v -> v.scopes("s", many)));
  }

  @Test
  void expiry_mustBeAfterNow() {
    String why = "must be in the future";
    assertEquals(List.of(), violations(v -> v.expiry("e", null, NOW)));
    assertEquals(List.of(), violations(v -> v.expiry("e", NOW.plusMillis(1), NOW)));
    assertEquals(one("e", why), violations(v -> v.expiry("e", NOW, NOW)));
    assertEquals(one("e", why), violations(v -> v.expiry("e", NOW.minusSeconds(1), NOW)));
  }

  @Test
  void requestId_emptyOrPattern() {
    String why = "must be 1-128 characters of [A-Za-z0-9._:-]";
    assertEquals(List.of(), violations(v -> v.requestId("r", null)));
    assertEquals(List.of(), violations(v -> v.requestId("r", "")));
    assertEquals(List.of(), violations(v -> v.requestId("r", "a".repeat(128))));
    assertEquals(one("r", why), violations(v -> v.requestId("r", "a".repeat(129))));
    assertEquals(one("r", why), violations(v -> v.requestId("r", "a b")));
  }

  @Test
  void keyId_twelveCharacters() {
    String why = "must be a 12-character key id";
    assertEquals(List.of(), violations(v -> v.keyId("id", "abcDEF012345")));
    assertEquals(one("id", why), violations(v -> v.keyId("id", "abc")));
    assertEquals(one("id", why), violations(v -> v.keyId("id", null)));
  }

  @Test
  void pageToken_atMost256() {
    String why = "must be at most 256 characters";
    assertEquals(List.of(), violations(v -> v.pageToken("t", null)));
    assertEquals(List.of(), violations(v -> v.pageToken("t", "x".repeat(256))));
    assertEquals(one("t", why), violations(v -> v.pageToken("t", "x".repeat(257))));
  }

  private static final Set<String> UPDATABLE = Set.of("name", "description", "scopes");

  @Test
  void updateMask_emptyOrTooMany() {
    assertEquals(List.of(), violations(v -> v.updateMask("u", List.of("name"), UPDATABLE)));
    assertEquals(
        one("u", "must name at least one field"),
        violations(v -> v.updateMask("u", List.of(), UPDATABLE)));
    assertEquals(
        List.of(), violations(v -> v.updateMask("u", Collections.nCopies(16, "name"), UPDATABLE)));
    assertEquals(
        one("u", "must name at most 16 fields"),
        violations(v -> v.updateMask("u", Collections.nCopies(17, "name"), UPDATABLE)));
  }

  @Test
  void updateMask_notUpdatable_namesTheSortedUpdatableFields() {
    assertEquals(
        one("u", "'owner' cannot be updated; updatable: description, name, scopes"),
        violations(v -> v.updateMask("u", List.of("name", "owner"), UPDATABLE)));
  }

  @Test
  void updateMask_atMost16UnknownPathsReported() {
    List<String> paths = IntStream.range(0, 20).mapToObj(i -> "x" + i).toList();
    List<FieldViolation> found = violations(v -> v.updateMask("u", paths, UPDATABLE));
    assertEquals(17, found.size());
    assertEquals(new FieldViolation("u", "must name at most 16 fields"), found.get(0));
    assertEquals(
        new FieldViolation("u", "'x15' cannot be updated; updatable: description, name, scopes"),
        found.get(16));
  }

  private static KeyLimit limit(int seconds, LimitScope scope) {
    return new KeyLimit(new RateLimitSpec(5, Duration.ofSeconds(seconds)), scope);
  }

  private static List<KeyLimit> distinct(int n) {
    return IntStream.range(0, n).mapToObj(i -> limit(i + 1, LimitScope.LOCAL)).toList();
  }

  @Test
  void limits_atMost8_rateLimitIncluded() {
    String why = "must hold at most 8 limits (rate_limit included)";
    RateLimitSpec rate = new RateLimitSpec(1, Duration.ofHours(1));
    assertEquals(List.of(), violations(v -> v.limits("l", null, distinct(8))));
    assertEquals(List.of(), violations(v -> v.limits("l", rate, distinct(7))));
    assertEquals(one("l", why), violations(v -> v.limits("l", rate, distinct(8))));
    assertEquals(one("l", why), violations(v -> v.limits("l", null, distinct(9))));
  }

  @Test
  void limits_samePeriodAndScope_violationAtTheRepeat() {
    String why = "repeats the period and scope of an earlier limit (or of rate_limit)";
    assertEquals(
        one("l[1]", why),
        violations(
            v ->
                v.limits(
                    "l", null, List.of(limit(60, LimitScope.LOCAL), limit(60, LimitScope.LOCAL)))));
    assertEquals(
        List.of(),
        violations(
            v ->
                v.limits(
                    "l",
                    null,
                    List.of(limit(60, LimitScope.LOCAL), limit(60, LimitScope.GLOBAL)))));
  }

  @Test
  void limits_repeatOfRateLimit_violation() {
    RateLimitSpec rate = new RateLimitSpec(9, Duration.ofSeconds(60));
    assertEquals(
        one("l[0]", "repeats the period and scope of an earlier limit (or of rate_limit)"),
        violations(v -> v.limits("l", rate, List.of(limit(60, LimitScope.DEFAULT)))));
    assertEquals(
        List.of(), violations(v -> v.limits("l", rate, List.of(limit(60, LimitScope.LOCAL)))));
  }

  @Test
  void limits_onlyFirst8Inspected() {
    List<KeyLimit> many = new ArrayList<>(distinct(8));
    many.add(limit(1, LimitScope.LOCAL)); // index 8 repeats index 0, past the inspected ones
    many.add(limit(2, LimitScope.LOCAL));
    assertEquals(
        one("l", "must hold at most 8 limits (rate_limit included)"),
        violations(v -> v.limits("l", null, many)));
  }

  @Test
  void reason_atMost256() {
    assertEquals(List.of(), violations(v -> v.reason("r", "x".repeat(256))));
    assertEquals(
        one("r", "must be at most 256 characters"),
        violations(v -> v.reason("r", "x".repeat(257))));
  }

  @Test
  void throwIfInvalid_collectsEveryViolation_messageCountsTheRest() {
    Validation v = new Validation();
    v.project("project", "Bad");
    v.name("name", "");
    v.reason("reason", "x".repeat(300));
    KeygateException e = assertThrows(KeygateException.class, v::throwIfInvalid);
    assertEquals(3, e.violations().size());
    assertEquals(
        "project: must be 1-64 characters of [a-z0-9_-], starting with a letter or digit"
            + " (and 2 more)",
        e.getMessage());
  }

  @Test
  void throwIfInvalid_oneViolation_messageIsIt() {
    Validation v = new Validation();
    v.name("name", "");
    KeygateException e = assertThrows(KeygateException.class, v::throwIfInvalid);
    assertEquals("name: must be 1-128 characters, not blank", e.getMessage());
  }
}
