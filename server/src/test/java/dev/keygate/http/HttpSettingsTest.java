package dev.keygate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {
  @Test
  void defaults_offWithStatedBounds() {
    HttpSettings s = HttpSettings.defaults();
    assertFalse(s.enabled());
    assertEquals(2, s.threads());
    assertEquals("/envoy", s.envoyPrefix());
    assertNull(s.scopeHeader());
    assertEquals(16 << 10, s.maxHeaderBytes());
    assertEquals(Duration.ofSeconds(5), s.readTimeout());
    assertEquals(Duration.ofSeconds(60), s.idleTimeout());
  }

  @Test
  void set_parsed() {
    HttpSettings s =
        HttpSettings.fromEnv(
            Map.of(
                "KEYGATE_HTTP_LISTEN", "127.0.0.1:7071",
                "KEYGATE_HTTP_SCOPE_HEADER", "X-Keygate-Scope",
                "KEYGATE_HTTP_ENVOY_PREFIX", "/ext/authz"));
    assertTrue(s.enabled());
    assertEquals(7071, s.listen().port());
    assertEquals("x-keygate-scope", s.scopeHeader());
    assertEquals("/ext/authz", s.envoyPrefix());
  }

  @Test
  void invalid_refusedNamingTheVariable() {
    for (Map<String, String> env :
        java.util.List.of(
            Map.of("KEYGATE_HTTP_LISTEN", "7071"),
            Map.of("KEYGATE_HTTP_ENVOY_PREFIX", "/nginx"),
            Map.of("KEYGATE_HTTP_ENVOY_PREFIX", "/forward/x"),
            Map.of("KEYGATE_HTTP_ENVOY_PREFIX", "envoy/"),
            Map.of("KEYGATE_HTTP_SCOPE_HEADER", "x scope"),
            Map.of("KEYGATE_HTTP_THREADS", "0"),
            Map.of("KEYGATE_HTTP_MAX_HEADER_BYTES", "100"),
            Map.of("KEYGATE_HTTP_READ_TIMEOUT", "1ms"))) {
      ConfigException e = assertThrows(ConfigException.class, () -> HttpSettings.fromEnv(env));
      String name = env.keySet().iterator().next();
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }
}
