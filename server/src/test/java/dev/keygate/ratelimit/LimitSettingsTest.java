package dev.keygate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sidecar-wide limits read from the environment: each form, each refusal, the summary. */
class LimitSettingsTest {
  private static final String PROJECT_PROBLEM =
      "KEYGATE_PROJECT_RATE_LIMITS must be none or comma-separated "
          + "[local:|global:]<requests>/<period>, e.g. global:10000/1m,local:200/1s,"
          + "global:1000000/month";

  private static LimitSettings read(String name, String value) {
    return LimitSettings.fromEnv(Map.of(name, value));
  }

  private static String refusal(String name, String value) {
    return assertThrows(ConfigException.class, () -> read(name, value)).getMessage();
  }

  private static KeyLimit limit(int requests, Duration period, LimitScope scope) {
    return new KeyLimit(new RateLimitSpec(requests, period), scope);
  }

  @Test
  void fromEnv_defaults_noneLocalNoLease() {
    LimitSettings s = LimitSettings.fromEnv(Map.of());
    assertNull(s.defaultLimit());
    assertFalse(s.global());
    assertEquals(List.of(), s.projectLimits());
    assertEquals(1, s.lease());
    assertEquals(Duration.ofSeconds(1), s.leaseTtl());
    assertEquals(
        "defaultRateLimit=none, rateLimitScope=local, projectRateLimits=none, rateLimitLease=off",
        s.toString());
  }

  @Test
  void fromEnv_scope_localOrGlobalOnly() {
    assertTrue(read("KEYGATE_RATE_LIMIT_SCOPE", "global").global());
    assertFalse(read("KEYGATE_RATE_LIMIT_SCOPE", "local").global());
    assertEquals(
        "KEYGATE_RATE_LIMIT_SCOPE must be local or global",
        refusal("KEYGATE_RATE_LIMIT_SCOPE", "shared"));
  }

  @Test
  void fromEnv_defaultLimit_parsedOrRefused() {
    assertEquals(
        new RateLimitSpec(100, Duration.ofSeconds(1)),
        read("KEYGATE_DEFAULT_RATE_LIMIT", "100/1s").defaultLimit());
    String problem =
        "KEYGATE_DEFAULT_RATE_LIMIT must be none or <requests>/<period>, e.g. 100/1s, 6000/1m or"
            + " 10000/month";
    assertEquals(
        problem + " (not <requests>/<period>: 100 per second)",
        refusal("KEYGATE_DEFAULT_RATE_LIMIT", "100 per second"));
    assertEquals(
        RateLimitSpec.calendar(10000, dev.keygate.key.LimitWindow.CALENDAR_MONTH),
        read("KEYGATE_DEFAULT_RATE_LIMIT", "10000/month").defaultLimit());
    assertEquals(
        problem + " (requests must be at most 1000000000)",
        refusal("KEYGATE_DEFAULT_RATE_LIMIT", "1000000001/day"));
    assertEquals(
        problem + " (requests must be 1 to 1000000)",
        refusal("KEYGATE_DEFAULT_RATE_LIMIT", "0/1s"));
  }

  @Test
  void fromEnv_projectLimits_scopesDefaultToTheSidecars() {
    assertEquals(
        List.of(
            limit(10000, Duration.ofMinutes(1), LimitScope.GLOBAL),
            limit(200, Duration.ofSeconds(1), LimitScope.LOCAL),
            limit(50, Duration.ofHours(1), LimitScope.DEFAULT)),
        read("KEYGATE_PROJECT_RATE_LIMITS", "global:10000/1m, local:200/1s,50/1h").projectLimits());
  }

  @Test
  void fromEnv_projectLimits_badPartRefused() {
    assertEquals(
        PROJECT_PROBLEM + " (not <requests>/<period>: shared:5/1s)",
        refusal("KEYGATE_PROJECT_RATE_LIMITS", "shared:5/1s"));
    assertEquals(
        PROJECT_PROBLEM + " (requests must be 1 to 1000000)",
        refusal("KEYGATE_PROJECT_RATE_LIMITS", "local:0/1s"));
  }

  @Test
  void fromEnv_projectLimits_samePeriodAndScopeRefused() {
    assertEquals(
        PROJECT_PROBLEM + " (two limits with the same period and scope)",
        refusal("KEYGATE_PROJECT_RATE_LIMITS", "local:5/1s,local:9/1s"));
    assertEquals(
        2, read("KEYGATE_PROJECT_RATE_LIMITS", "local:5/1s,global:9/1s").projectLimits().size());
  }

  @Test
  void fromEnv_projectLimits_atMost8() {
    assertEquals(
        8,
        read("KEYGATE_PROJECT_RATE_LIMITS", "1/1s,1/2s,1/3s,1/4s,1/5s,1/6s,1/7s,1/8s")
            .projectLimits()
            .size());
    assertEquals(
        PROJECT_PROBLEM + " (at most 8)",
        refusal("KEYGATE_PROJECT_RATE_LIMITS", "1/1s,1/2s,1/3s,1/4s,1/5s,1/6s,1/7s,1/8s,1/9s"));
  }

  @Test
  void toString_everySettingShown() {
    LimitSettings s =
        LimitSettings.fromEnv(
            Map.of(
                "KEYGATE_DEFAULT_RATE_LIMIT", "100/1s",
                "KEYGATE_RATE_LIMIT_SCOPE", "global",
                "KEYGATE_PROJECT_RATE_LIMITS", "global:10000/1m",
                "KEYGATE_RATE_LIMIT_LEASE", "2",
                "KEYGATE_RATE_LIMIT_LEASE_TTL", "500ms"));
    assertEquals(2, s.lease());
    assertEquals(
        "defaultRateLimit=100/1000, rateLimitScope=global, projectRateLimits=g10000/60000,"
            + " rateLimitLease=2 for 500ms",
        s.toString());
  }

  @Test
  void toString_leaseOfOneIsOff() {
    assertTrue(read("KEYGATE_RATE_LIMIT_LEASE", "1").toString().endsWith("rateLimitLease=off"));
  }
}
