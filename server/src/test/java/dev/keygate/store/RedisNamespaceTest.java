package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One namespace rule, applied by the settings and by the store alike. */
class RedisNamespaceTest {
  @Test
  void of_emptyOrNull_isTheDefault() {
    assertEquals("kg", RedisNamespace.of("").prefix());
    assertEquals("kg", RedisNamespace.of(null).prefix());
  }

  @Test
  void names_carryTheHashTags() {
    RedisNamespace ns = RedisNamespace.of("t1");
    assertEquals("t1:key:{abc}", ns.record("abc"));
    assertEquals("t1:proj:{p}:expiring", ns.projectExpiring("p"));
    assertEquals("t1:proj:{p}:active", ns.legacyActive("p"));
    assertEquals("t1:proj:{p}:req:r1", ns.request("p", "r1"));
  }

  @Test
  void connect_namespaceTheSettingsReject_isRejectedToo() {
    for (String bad : new String[] {"a:b", "a{b}", "x".repeat(33), "a b"}) {
      assertThrows(
          ConfigException.class,
          () -> RedisSettings.fromEnv(Map.of("KEYGATE_REDIS_NAMESPACE", bad)),
          bad);
      // no I/O happens for a standalone URL before the namespace is checked
      assertThrows(
          IllegalArgumentException.class,
          () -> RedisKeyStore.connect("redis://127.0.0.1:1", Duration.ofMillis(100), bad),
          bad);
    }
  }
}
