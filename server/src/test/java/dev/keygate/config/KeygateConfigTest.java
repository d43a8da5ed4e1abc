package dev.keygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.ServerSettings;
import dev.keygate.admin.AdminSettings;
import dev.keygate.audit.AuditSettings;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeySettings;
import dev.keygate.metrics.MetricsSettings;
import dev.keygate.ratelimit.LimitSettings;
import dev.keygate.store.CacheSettings;
import dev.keygate.store.RedisFailurePolicy;
import dev.keygate.store.RedisSettings;
import dev.keygate.usage.UsageSettings;
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
    assertEquals("127.0.0.1", c.server().listen().host());
    assertEquals(7070, c.server().listen().port());
    assertFalse(c.redis().enabled());
    assertEquals("kg", c.redis().namespace());
    assertEquals(Duration.ofSeconds(1), c.redis().timeout());
    assertNull(c.keys().pepper());
    assertNull(c.admin().token());
    assertEquals("kg", c.keys().prefix());
    assertEquals(KeyKind.LIVE, c.keys().environment());
    assertEquals(10, c.admin().maxActiveKeysPerProject());
    assertNull(c.limits().defaultLimit());
    assertEquals(Duration.ofSeconds(1), c.usage().flushInterval());
    assertEquals(Duration.ofSeconds(10), c.server().shutdownGrace());
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
    assertEquals("0.0.0.0", c.server().listen().host());
    assertEquals(9000, c.server().listen().port());
    assertEquals("redis://localhost:6379/2", c.redis().url());
    assertTrue(c.redis().enabled());
    assertEquals(Duration.ofMillis(250), c.redis().timeout());
    assertEquals(PEPPER.length(), c.keys().pepper().length);
    assertEquals("admin-token-0123456789", c.admin().token());
    assertEquals("acme", c.keys().prefix());
    assertEquals(KeyKind.TEST, c.keys().environment());
    assertEquals(50, c.admin().maxActiveKeysPerProject());
    assertEquals(600, c.limits().defaultLimit().requests());
    assertEquals(Duration.ofMinutes(1), c.limits().defaultLimit().period());
    assertEquals(Duration.ofSeconds(2), c.usage().flushInterval());
    assertEquals(Duration.ofSeconds(30), c.server().shutdownGrace());
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
    assertEquals(PEPPER.length(), c.keys().pepper().length);
    assertEquals("file-admin-token-123", c.admin().token());
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
            "KEYGATE_REDIS_STALE_MAX_AGE", "25h",
            "KEYGATE_TRUSTED_PEERS", "10.0.0.0/8,pods.internal"));
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
    assertEquals(100_000, defaults.cache().maxKeys());
    assertEquals(Duration.ofSeconds(10), defaults.cache().maxStaleness());
    assertEquals(Duration.ofSeconds(1), defaults.cache().negativeTtl());
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_CACHE_MAX_KEYS", "0",
                "KEYGATE_CACHE_MAX_STALENESS", "250ms",
                "KEYGATE_CACHE_NEGATIVE_TTL", "0s"));
    assertEquals(0, c.cache().maxKeys());
    assertEquals(Duration.ofMillis(250), c.cache().maxStaleness());
    assertEquals(Duration.ZERO, c.cache().negativeTtl());
    assertTrue(c.toString().contains("cache=off"), c.toString());
  }

  @Test
  void fromEnv_redisFailurePolicyDefaultsClosed() {
    KeygateConfig c = KeygateConfig.fromEnv(Map.of());
    assertEquals(RedisFailurePolicy.CLOSED, c.redis().failure());
    assertEquals(Duration.ofMinutes(5), c.redis().staleMaxAge());
    assertTrue(c.toString().contains("redisFailure=closed"), c.toString());
  }

  @Test
  void fromEnv_redisFailureStaleWithMaxAge() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of("KEYGATE_REDIS_FAILURE", "stale", "KEYGATE_REDIS_STALE_MAX_AGE", "90s"));
    assertEquals(RedisFailurePolicy.STALE, c.redis().failure());
    assertEquals(Duration.ofSeconds(90), c.redis().staleMaxAge());
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
    assertEquals(10_000, defaults.audit().maxEvents());
    assertEquals(10, defaults.audit().failureSamples());
    assertFalse(defaults.metrics().enabled(), "metrics are off unless asked for");
    assertNull(defaults.metrics().listen());
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_AUDIT_MAX_EVENTS", "100",
                "KEYGATE_AUDIT_FAILURE_SAMPLES", "0",
                "KEYGATE_METRICS_LISTEN", "[::1]:9464"));
    assertEquals(100, c.audit().maxEvents());
    assertEquals(0, c.audit().failureSamples());
    assertEquals(new HostPort("::1", 9464), c.metrics().listen());
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
  void fromEnv_pepperAndPepperFileTogetherRejected(@TempDir Path dir) throws Exception {
    // a readable file holding a valid pepper: without the rule, this configuration would start
    Path pepper = Files.writeString(dir.resolve("pepper"), PEPPER + "\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                KeygateConfig.fromEnv(
                    Map.of("KEYGATE_PEPPER", PEPPER, "KEYGATE_PEPPER_FILE", pepper.toString())));
    assertEquals("set KEYGATE_PEPPER or KEYGATE_PEPPER_FILE, not both", e.getMessage());
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
  void toString_neverShowsRedisCredentials() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_REDIS_URL", "redis://:url-password-0123@localhost:6379",
                "KEYGATE_REDIS_PASSWORD", "env-password-0123",
                "KEYGATE_PEPPER", PEPPER));
    for (Object part : List.of(c, c.redis(), c.keys(), c.admin())) {
      assertFalse(part.toString().contains("url-password-0123"), part.toString());
      assertFalse(part.toString().contains("env-password-0123"), part.toString());
      assertFalse(part.toString().contains(PEPPER), part.toString());
    }
    assertTrue(c.toString().contains("redisPassword=set"), c.toString());
  }

  @Test
  void parts_readTheirOwnVariablesAndTheWholeChecksAcrossThem() {
    Map<String, String> redisOnly = Map.of("KEYGATE_REDIS_URL", "redis://localhost:6379");
    // each part checks its own variables only: Redis without a pepper is a rule of the whole
    assertTrue(RedisSettings.fromEnv(redisOnly).enabled());
    assertNull(KeySettings.fromEnv(redisOnly).pepper());
    assertThrows(ConfigException.class, () -> KeygateConfig.fromEnv(redisOnly));
    assertEquals(
        new CacheSettings(100_000, Duration.ofSeconds(10), Duration.ofSeconds(1)),
        CacheSettings.fromEnv(Map.of()));
    assertEquals(
        new ServerSettings(new HostPort("127.0.0.1", 7070), Duration.ofSeconds(10)),
        ServerSettings.fromEnv(Map.of()));
    assertEquals(new AuditSettings(10_000, 10), AuditSettings.fromEnv(Map.of()));
    assertEquals(new AdminSettings(null, 10), AdminSettings.fromEnv(Map.of()));
    assertEquals(Duration.ofSeconds(1), UsageSettings.fromEnv(Map.of()).flushInterval());
    assertFalse(MetricsSettings.fromEnv(Map.of()).enabled());
    assertFalse(LimitSettings.fromEnv(Map.of("KEYGATE_RATE_LIMIT_SCOPE", "local")).global());
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
