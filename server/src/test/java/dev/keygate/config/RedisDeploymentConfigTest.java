package dev.keygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.store.RedisEndpoint;
import dev.keygate.store.RedisEndpoint.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;

/** Sentinel and Cluster URLs, Redis credentials and the rate-limit scope in the configuration. */
class RedisDeploymentConfigTest {
  private static final String PEPPER = "0123456789abcdef0123456789abcdef";

  @Test
  void endpoint_parsesEveryMode() {
    RedisEndpoint s = RedisEndpoint.parse("rediss+sentinel://app:pw@s1:26380,s2/mymaster/3");
    assertEquals(Mode.SENTINEL, s.mode());
    assertEquals(List.of(new HostAndPort("s1", 26380), new HostAndPort("s2", 26379)), s.nodes());
    assertEquals("mymaster", s.masterName());
    assertEquals(3, s.database());
    assertTrue(s.tls());
    assertEquals("app", s.user());
    assertEquals("pw", s.password());

    RedisEndpoint c = RedisEndpoint.parse("redis+cluster://10.0.0.1:7000,10.0.0.2:7001");
    assertEquals(Mode.CLUSTER, c.mode());
    assertEquals(2, c.nodes().size());
    assertNull(c.password());
    assertFalse(c.describe().contains("pw"));

    assertEquals(Mode.STANDALONE, RedisEndpoint.parse("redis://h:1/0").mode());
    for (String bad :
        List.of(
            "redis+sentinel://s1:1",
            "redis+cluster://h:1/2",
            "redis://a:1,b:2",
            "redis+cluster://:s3cr3t@h:99999",
            "redis+sentinel://h/ma ster")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse(bad), bad);
      assertFalse(e.getMessage().contains("s3cr3t"));
    }
  }

  @Test
  void fromEnv_redisCredentialsFromFileAndGlobalScope(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "short\n");
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_REDIS_URL", "redis+cluster://h1:7000,h2:7000",
                "KEYGATE_PEPPER", PEPPER,
                "KEYGATE_REDIS_USERNAME", "keygate",
                "KEYGATE_REDIS_PASSWORD_FILE", file.toString(),
                "KEYGATE_RATE_LIMIT_SCOPE", "global"));
    assertEquals("keygate", c.redis().user());
    assertEquals("short", c.redis().password());
    assertTrue(c.limits().global());
    assertFalse(c.toString().contains("short"));
    assertFalse(KeygateConfig.fromEnv(Map.of()).limits().global());
  }

  @Test
  void fromEnv_badValuesNameTheVariable() {
    assertMessage("KEYGATE_RATE_LIMIT_SCOPE", Map.of("KEYGATE_RATE_LIMIT_SCOPE", "cluster"));
    assertMessage("KEYGATE_RATE_LIMIT_SCOPE", Map.of("KEYGATE_RATE_LIMIT_SCOPE", "global"));
    assertMessage(
        "KEYGATE_REDIS_URL",
        Map.of("KEYGATE_REDIS_URL", "redis+sentinel://h:1", "KEYGATE_PEPPER", PEPPER));
  }

  @Test
  void fromEnv_projectQuotasAndLeasing() {
    KeygateConfig c =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_PROJECT_RATE_LIMITS", "global:10000/1m, local:200/1s,50000/1d",
                "KEYGATE_RATE_LIMIT_LEASE", "10",
                "KEYGATE_RATE_LIMIT_LEASE_TTL", "500ms"));
    assertEquals(
        List.of(
            new KeyLimit(new RateLimitSpec(10_000, Duration.ofMinutes(1)), LimitScope.GLOBAL),
            new KeyLimit(new RateLimitSpec(200, Duration.ofSeconds(1)), LimitScope.LOCAL),
            new KeyLimit(new RateLimitSpec(50_000, Duration.ofDays(1)), LimitScope.DEFAULT)),
        c.limits().projectLimits());
    assertEquals(10, c.limits().lease());
    assertEquals(Duration.ofMillis(500), c.limits().leaseTtl());
    KeygateConfig defaults = KeygateConfig.fromEnv(Map.of());
    assertEquals(List.of(), defaults.limits().projectLimits());
    assertEquals(1, defaults.limits().lease(), "no leasing unless asked for");
    for (String bad : List.of("global:1/0s", "cluster:5/1m", "5", "global:5/1m,global:9/1m")) {
      assertMessage("KEYGATE_PROJECT_RATE_LIMITS", Map.of("KEYGATE_PROJECT_RATE_LIMITS", bad));
    }
    assertMessage("KEYGATE_RATE_LIMIT_LEASE", Map.of("KEYGATE_RATE_LIMIT_LEASE", "0"));
  }

  private static void assertMessage(String variable, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> KeygateConfig.fromEnv(env));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }
}
