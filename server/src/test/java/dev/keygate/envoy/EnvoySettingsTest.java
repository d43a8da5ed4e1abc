package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import dev.keygate.config.KeygateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvoySettingsTest {
  @Test
  void fromEnv_defaults() {
    EnvoySettings s = KeygateConfig.fromEnv(Map.of()).envoy();
    assertEquals(List.of("authorization", "x-api-key"), s.keyHeaders());
    assertTrue(s.removeKeyHeaders());
    assertTrue(s.routes().isEmpty());
    assertEquals(new Requirement.Deny(), s.routesDefault());
  }

  @Test
  void fromEnv_readsEverySetting(@TempDir Path dir) throws Exception {
    Path routes = Files.writeString(dir.resolve("routes"), "GET /v1/tasks/** tasks:read\n");
    EnvoySettings s =
        KeygateConfig.fromEnv(
                Map.of(
                    "KEYGATE_ENVOY_KEY_HEADERS", " X-Api-Key , authorization ",
                    "KEYGATE_ENVOY_REMOVE_KEY_HEADERS", "false",
                    "KEYGATE_ROUTES", routes.toString(),
                    "KEYGATE_ROUTES_DEFAULT", "any-key"))
            .envoy();
    assertEquals(List.of("x-api-key", "authorization"), s.keyHeaders());
    assertEquals(false, s.removeKeyHeaders());
    assertEquals(1, s.routes().size());
    assertEquals(new Requirement.Scoped(List.of()), s.routesDefault());
  }

  @Test
  void fromEnv_badRouteFileStopsTheStartNamingFileAndLine(@TempDir Path dir) throws Exception {
    Path routes =
        Files.writeString(
            dir.resolve("routes"), "GET /v1/tasks/** tasks:read\nDELETE /v1/tasks/* TASKS\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> KeygateConfig.fromEnv(Map.of("KEYGATE_ROUTES", routes.toString())));
    assertTrue(
        e.getMessage().startsWith("KEYGATE_ROUTES: " + routes + " line 2: "), e.getMessage());
  }

  @Test
  void fromEnv_missingRouteFileNamesTheVariable(@TempDir Path dir) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                KeygateConfig.fromEnv(Map.of("KEYGATE_ROUTES", dir.resolve("absent").toString())));
    assertTrue(e.getMessage().startsWith("KEYGATE_ROUTES: cannot read "), e.getMessage());
  }

  @Test
  void fromEnv_badValuesNameTheVariable() {
    Map<String, String> bad =
        Map.of(
            "KEYGATE_ENVOY_KEY_HEADERS", "authorization, bad header",
            "KEYGATE_ENVOY_REMOVE_KEY_HEADERS", "yes",
            "KEYGATE_ROUTES_DEFAULT", "allow");
    bad.forEach(
        (name, value) -> {
          ConfigException e =
              assertThrows(
                  ConfigException.class,
                  () -> KeygateConfig.fromEnv(Map.of(name, value)),
                  name + "=" + value);
          assertTrue(e.getMessage().startsWith(name), e.getMessage());
        });
  }
}
