package dev.keygate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import dev.keygate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

  private FailureThrottle throttle(int limit, int maxClients) {
    return FailureThrottle.of(
        new ThrottleSettings(limit, Duration.ofMinutes(1), 0, maxClients, ClientAddresses.LOOPBACK),
        clock);
  }

  @Test
  void check_afterLimitFailures_throttlesUntilTheWindowEnds() {
    FailureThrottle t = throttle(3, 100);
    for (int i = 0; i < 3; i++) {
      assertTrue(t.check("203.0.113.7").isEmpty(), "failure " + i + " still answered");
      t.recordFailure("203.0.113.7");
    }
    clock.advance(Duration.ofSeconds(20));
    assertEquals(Optional.of(Duration.ofSeconds(40)), t.check("203.0.113.7"));
    assertTrue(t.check("203.0.113.8").isEmpty(), "another client is not affected");
    clock.advance(Duration.ofSeconds(40));
    assertTrue(t.check("203.0.113.7").isEmpty(), "a new window starts clean");
    t.recordFailure("203.0.113.7");
    assertTrue(t.check("203.0.113.7").isEmpty());
  }

  @Test
  void check_failuresSpreadOverWindows_neverThrottles() {
    FailureThrottle t = throttle(3, 100);
    for (int i = 0; i < 20; i++) {
      t.recordFailure("203.0.113.7");
      t.recordFailure("203.0.113.7");
      assertTrue(t.check("203.0.113.7").isEmpty());
      clock.advance(Duration.ofSeconds(61));
    }
  }

  @Test
  void check_unknownClientOrDisabled_neverThrottles() {
    FailureThrottle on = throttle(1, 100);
    on.recordFailure(null);
    on.recordFailure(null);
    assertTrue(on.check(null).isEmpty());
    FailureThrottle off = throttle(0, 100);
    for (int i = 0; i < 10; i++) {
      off.recordFailure("203.0.113.7");
    }
    assertTrue(off.check("203.0.113.7").isEmpty());
    assertEquals(0, off.trackedClients());
  }

  @Test
  void recordFailure_manyClients_keepsAtMostMaxClients() {
    FailureThrottle t = throttle(5, 1000);
    for (int i = 0; i < 20_000; i++) {
      t.recordFailure("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
    }
    // at the bound, not below it: a throttle that tracked nobody would pass an upper bound alone
    assertEquals(1000, t.trackedClients());
  }

  @Test
  void recordFailure_idleClients_expireAfterAWindow() {
    FailureThrottle t = throttle(5, 1000);
    for (int i = 0; i < 50; i++) {
      t.recordFailure("10.0.0." + i);
    }
    assertEquals(50, t.trackedClients());
    clock.advance(Duration.ofMinutes(1).plusMillis(1));
    assertEquals(0, t.trackedClients());
  }

  @Test
  void fromEnv_defaultsAndBadValues() {
    ThrottleSettings d = ThrottleSettings.defaults();
    assertEquals(100, d.limit());
    assertEquals(Duration.ofMinutes(1), d.window());
    assertEquals(0, d.trustedProxyHops());
    assertTrue(d.enabled());
    assertFalse(ThrottleSettings.fromEnv(Map.of("KEYGATE_AUTH_FAILURE_LIMIT", "0")).enabled());
    assertEquals(
        Duration.ofSeconds(30),
        ThrottleSettings.fromEnv(Map.of("KEYGATE_AUTH_FAILURE_WINDOW", "30s")).window());
    for (var bad :
        Map.of(
                "KEYGATE_AUTH_FAILURE_LIMIT", "-1",
                "KEYGATE_AUTH_FAILURE_WINDOW", "500ms",
                "KEYGATE_TRUSTED_PROXY_HOPS", "11",
                "KEYGATE_AUTH_FAILURE_MAX_CLIENTS", "0")
            .entrySet()) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> ThrottleSettings.fromEnv(Map.of(bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
    }
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ThrottleSettings.fromEnv(Map.of("KEYGATE_AUTH_FAILURE_WINDOW", "soon")));
    assertTrue(e.getMessage().startsWith("KEYGATE_AUTH_FAILURE_WINDOW"), e.getMessage());
  }
}
