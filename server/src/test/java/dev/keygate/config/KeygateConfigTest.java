package dev.keygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygateConfigTest {
  private static final String PEPPER = "0123456789abcdef0123456789abcdef";

  @Test
  void fromEnv_emptyGivesDocumentedDefaults() {
    KeygateConfig c = KeygateConfig.fromEnv(Map.of());
    assertEquals("127.0.0.1", c.listenHost());
    assertEquals(7070, c.listenPort());
    assertTrue(c.inMemory());
    assertEquals("kg", c.redisNamespace());
    assertEquals(Duration.ofSeconds(1), c.redisTimeout());
    assertNull(c.pepper());
    assertNull(c.adminToken());
    assertEquals("kg", c.keyPrefix());
    assertEquals(KeyKind.LIVE, c.environment());
    assertEquals(10, c.maxActiveKeysPerProject());
    assertNull(c.defaultRateLimit());
    assertEquals(Duration.ofSeconds(1), c.usageFlushInterval());
    assertEquals(Duration.ofSeconds(10), c.shutdownGrace());
  }

  @Test
  void fromEnv_readsEverySetting() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.ofEntries(
                Map.entry("KEYGATE_LISTEN", "0.0.0.0:9000"),
                Map.entry("KEYGATE_REDIS_URL", "redis://localhost:6379/2"),
                Map.entry("KEYGATE_REDIS_NAMESPACE", "kg-prod"),
                Map.entry("KEYGATE_REDIS_TIMEOUT", "250ms"),
                Map.entry("KEYGATE_PEPPER", PEPPER),
                Map.entry("KEYGATE_ADMIN_TOKEN", "admin-token-0123456789"),
                Map.entry("KEYGATE_KEY_PREFIX", "acme"),
                Map.entry("KEYGATE_ENVIRONMENT", "test"),
                Map.entry("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "50"),
                Map.entry("KEYGATE_DEFAULT_RATE_LIMIT", "600/1m"),
                Map.entry("KEYGATE_USAGE_FLUSH_INTERVAL", "2s"),
                Map.entry("KEYGATE_SHUTDOWN_GRACE", "30s")));
    assertEquals("0.0.0.0", c.listenHost());
    assertEquals(9000, c.listenPort());
    assertEquals("redis://localhost:6379/2", c.redisUrl());
    assertFalse(c.inMemory());
    assertEquals(Duration.ofMillis(250), c.redisTimeout());
    assertEquals(PEPPER.length(), c.pepper().length);
    assertEquals("admin-token-0123456789", c.adminToken());
    assertEquals("acme", c.keyPrefix());
    assertEquals(KeyKind.TEST, c.environment());
    assertEquals(50, c.maxActiveKeysPerProject());
    assertEquals(600, c.defaultRateLimit().requests());
    assertEquals(Duration.ofMinutes(1), c.defaultRateLimit().period());
    assertEquals(Duration.ofSeconds(2), c.usageFlushInterval());
    assertEquals(Duration.ofSeconds(30), c.shutdownGrace());
  }

  @Test
  void fromEnv_redisWithoutPepperRefusesWithClearMessage() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> KeygateConfig.fromEnv(Map.of("KEYGATE_REDIS_URL", "redis://localhost:6379")));
    assertTrue(e.getMessage().contains("KEYGATE_PEPPER"), e.getMessage());
  }

  @Test
  void fromEnv_secretsFromFiles(@TempDir Path dir) throws Exception {
    Path pepper = Files.writeString(dir.resolve("pepper"), PEPPER + "\n");
    Path token = Files.writeString(dir.resolve("token"), "file-admin-token-123\n");
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_PEPPER_FILE",
                pepper.toString(),
                "KEYGATE_ADMIN_TOKEN_FILE",
                token.toString()));
    assertEquals(PEPPER.length(), c.pepper().length);
    assertEquals("file-admin-token-123", c.adminToken());
  }

  @Test
  void fromEnv_badValuesNameTheVariable() {
    Map<String, String> bad =
        Map.of(
            "KEYGATE_LISTEN", "7070",
            "KEYGATE_REDIS_URL", "localhost:6379",
            "KEYGATE_REDIS_NAMESPACE", "has space",
            "KEYGATE_REDIS_TIMEOUT", "soon",
            "KEYGATE_PEPPER", "short",
            "KEYGATE_KEY_PREFIX", "Bad_Prefix",
            "KEYGATE_ENVIRONMENT", "prod",
            "KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "0",
            "KEYGATE_DEFAULT_RATE_LIMIT", "100 per second",
            "KEYGATE_SHUTDOWN_GRACE", "2h");
    bad = new HashMap<>(bad);
    bad.putAll(
        Map.of(
            "KEYGATE_CACHE_MAX_KEYS", "-1",
            "KEYGATE_CACHE_MAX_STALENESS", "0s",
            "KEYGATE_CACHE_NEGATIVE_TTL", "5m",
            "KEYGATE_REDIS_FAILURE", "open",
            "KEYGATE_REDIS_STALE_MAX_AGE", "25h"));
    bad.forEach(
        (name, value) -> {
          Map<String, String> env = new HashMap<>();
          env.put(name, value);
          if (!name.equals("KEYGATE_PEPPER")) {
            env.put("KEYGATE_PEPPER", PEPPER);
          }
          ConfigException e =
              assertThrows(
                  ConfigException.class, () -> KeygateConfig.fromEnv(env), name + "=" + value);
          assertTrue(e.getMessage().contains(name), e.getMessage());
        });
  }

  @Test
  void fromEnv_cacheSettingsDefaultAndOverride() {
    KeygateConfig defaults = KeygateConfig.fromEnv(Map.of());
    assertEquals(100_000, defaults.cacheMaxKeys());
    assertEquals(Duration.ofSeconds(10), defaults.cacheMaxStaleness());
    assertEquals(Duration.ofSeconds(1), defaults.cacheNegativeTtl());
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_CACHE_MAX_KEYS", "0",
                "KEYGATE_CACHE_MAX_STALENESS", "250ms",
                "KEYGATE_CACHE_NEGATIVE_TTL", "0s"));
    assertEquals(0, c.cacheMaxKeys());
    assertEquals(Duration.ofMillis(250), c.cacheMaxStaleness());
    assertEquals(Duration.ZERO, c.cacheNegativeTtl());
    assertTrue(c.toString().contains("cache=off"), c.toString());
  }

  @Test
  void fromEnv_redisFailurePolicyDefaultsClosed() {
    KeygateConfig c = KeygateConfig.fromEnv(Map.of());
    assertEquals(RedisFailurePolicy.CLOSED, c.redisFailure());
    assertEquals(Duration.ofMinutes(5), c.redisStaleMaxAge());
    assertTrue(c.toString().contains("redisFailure=closed"), c.toString());
  }

  @Test
  void fromEnv_redisFailureStaleWithMaxAge() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of("KEYGATE_REDIS_FAILURE", "stale", "KEYGATE_REDIS_STALE_MAX_AGE", "90s"));
    assertEquals(RedisFailurePolicy.STALE, c.redisFailure());
    assertEquals(Duration.ofSeconds(90), c.redisStaleMaxAge());
    assertTrue(c.toString().contains("redisFailure=stale (max age 90s)"), c.toString());
  }

  @Test
  void fromEnv_redisFailureStaleWithoutCacheRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                KeygateConfig.fromEnv(
                    Map.of("KEYGATE_REDIS_FAILURE", "stale", "KEYGATE_CACHE_MAX_KEYS", "0")));
    assertTrue(e.getMessage().contains("KEYGATE_REDIS_FAILURE"), e.getMessage());
    assertTrue(e.getMessage().contains("KEYGATE_CACHE_MAX_KEYS"), e.getMessage());
  }

  @Test
  void fromEnv_redisStaleMaxAgeOutOfRangeRefused() {
    for (String value : List.of("0s", "500ms", "25h", "forever")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  KeygateConfig.fromEnv(
                      Map.of(
                          "KEYGATE_REDIS_FAILURE", "stale", "KEYGATE_REDIS_STALE_MAX_AGE", value)),
              value);
      assertTrue(e.getMessage().contains("KEYGATE_REDIS_STALE_MAX_AGE"), e.getMessage());
    }
  }

  @Test
  void fromEnv_auditAndMetricsDefaultAndOverride() {
    KeygateConfig defaults = KeygateConfig.fromEnv(Map.of());
    assertEquals(10_000, defaults.auditMaxEvents());
    assertEquals(10, defaults.auditFailureSamples());
    assertEquals(null, defaults.metricsHost(), "metrics are off unless asked for");
    assertEquals(-1, defaults.metricsPort());
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_AUDIT_MAX_EVENTS", "100",
                "KEYGATE_AUDIT_FAILURE_SAMPLES", "0",
                "KEYGATE_METRICS_LISTEN", "[::1]:9464"));
    assertEquals(100, c.auditMaxEvents());
    assertEquals(0, c.auditFailureSamples());
    assertEquals("::1", c.metricsHost());
    assertEquals(9464, c.metricsPort());
    assertTrue(c.toString().contains("metrics=::1:9464"), c.toString());
  }

  @Test
  void fromEnv_badAuditAndMetricsValuesNameTheVariable() {
    Map.of(
            "KEYGATE_AUDIT_MAX_EVENTS", "99",
            "KEYGATE_AUDIT_FAILURE_SAMPLES", "-1",
            "KEYGATE_METRICS_LISTEN", "9464")
        .forEach(
            (name, value) -> {
              ConfigException e =
                  assertThrows(
                      ConfigException.class,
                      () -> KeygateConfig.fromEnv(Map.of(name, value)),
                      name + "=" + value);
              assertTrue(e.getMessage().contains(name), e.getMessage());
            });
    assertThrows(
        ConfigException.class,
        () -> KeygateConfig.fromEnv(Map.of("KEYGATE_METRICS_LISTEN", "127.0.0.1:70000")));
    assertThrows(
        ConfigException.class,
        () -> KeygateConfig.fromEnv(Map.of("KEYGATE_AUDIT_MAX_EVENTS", "lots")));
  }

  @Test
  void fromEnv_pepperAndPepperFileTogetherRejected() {
    assertThrows(
        ConfigException.class,
        () ->
            KeygateConfig.fromEnv(
                Map.of("KEYGATE_PEPPER", PEPPER, "KEYGATE_PEPPER_FILE", "/nonexistent")));
  }

  @Test
  void toString_neverShowsSecrets() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of("KEYGATE_PEPPER", PEPPER, "KEYGATE_ADMIN_TOKEN", "admin-token-0123456789"));
    assertFalse(c.toString().contains(PEPPER));
    assertFalse(c.toString().contains("admin-token-0123456789"));
  }

  @Test
  void durations_parseUnits() {
    assertEquals(Duration.ofMillis(5), Durations.parse("5ms"));
    assertEquals(Duration.ofDays(2), Durations.parse("2d"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("1w"));
  }

  @Test
  void durations_formatShortestExactUnit() {
    assertEquals("1h", Durations.format(Duration.ofHours(1)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("2d", Durations.format(Duration.ofDays(2)));
    assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("0ms", Durations.format(Duration.ZERO));
  }
}
