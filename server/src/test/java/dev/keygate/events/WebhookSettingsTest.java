package dev.keygate.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void fromEnv_unset_noWebhook() {
    WebhookSettings s = WebhookSettings.fromEnv(Map.of());
    assertTrue(s.endpoint().isEmpty());
    assertEquals("webhook=off, webhookRetryWindow=1d", s.toString());
  }

  @Test
  void fromEnv_urlAndSecret_keyDecodedAndNeverShown() {
    WebhookSettings s =
        WebhookSettings.fromEnv(
            env(
                "KEYGATE_WEBHOOK_URL",
                "https://user:pw@hooks.example.com:8443/keygate?x=1",
                "KEYGATE_WEBHOOK_SECRET",
                SECRET));
    assertArrayEquals(KEY, s.endpoint().orElseThrow().key());
    String shown = s.toString();
    assertTrue(shown.contains("https://hooks.example.com:8443/keygate"), shown);
    assertFalse(shown.contains("pw") || shown.contains(SECRET.substring(6, 20)), shown);
  }

  @Test
  void fromEnv_badCombinations_failNamingTheSetting() {
    ConfigException noSecret =
        assertThrows(
            ConfigException.class,
            () -> WebhookSettings.fromEnv(env("KEYGATE_WEBHOOK_URL", "https://h.example/")));
    assertTrue(noSecret.getMessage().contains("KEYGATE_WEBHOOK_SECRET"));
    assertThrows(
        ConfigException.class,
        () -> WebhookSettings.fromEnv(env("KEYGATE_WEBHOOK_SECRET", SECRET)));
    assertThrows(
        ConfigException.class,
        () ->
            WebhookSettings.fromEnv(
                env("KEYGATE_WEBHOOK_URL", "ftp://h.example/", "KEYGATE_WEBHOOK_SECRET", SECRET)));
    String weak = "whsec_" + Base64.getEncoder().encodeToString("short".getBytes());
    ConfigException badSecret =
        assertThrows(
            ConfigException.class,
            () ->
                WebhookSettings.fromEnv(
                    env(
                        "KEYGATE_WEBHOOK_URL",
                        "https://h.example/",
                        "KEYGATE_WEBHOOK_SECRET",
                        weak)));
    assertFalse(badSecret.getMessage().contains(weak), "the value never appears");
    assertThrows(
        ConfigException.class,
        () ->
            WebhookSettings.fromEnv(
                env("KEYGATE_WEBHOOK_BACKOFF", "10s", "KEYGATE_WEBHOOK_BACKOFF_MAX", "1s")));
    assertThrows(
        ConfigException.class,
        () ->
            WebhookSettings.fromEnv(
                env("KEYGATE_WEBHOOK_TIMEOUT", "30s", "KEYGATE_WEBHOOK_LEASE", "30s")));
  }

  @Test
  void backoff_doublesUpToTheMaximumWithJitterInTheUpperHalf() {
    WebhookSettings s =
        WebhookSettings.fromEnv(
            env("KEYGATE_WEBHOOK_BACKOFF", "100ms", "KEYGATE_WEBHOOK_BACKOFF_MAX", "1s"));
    long[] steps = {100, 200, 400, 800, 1000, 1000};
    for (int attempt = 1; attempt <= steps.length; attempt++) {
      for (int i = 0; i < 200; i++) {
        long d = WebhookDispatcher.backoff(s, attempt).toMillis();
        long step = steps[attempt - 1];
        assertTrue(d >= step / 2 && d <= step, "attempt " + attempt + ": " + d);
      }
    }
    assertTrue(WebhookDispatcher.backoff(s, 1000).toMillis() <= 1000);
  }
}
