package dev.keygate.leak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import dev.keygate.imports.ImportSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leaked-key and import settings: defaults, and each bad value stops the start by name. */
class LeakSettingsTest {
  @TempDir Path dir;

  @Test
  void fromEnv_defaults_offRevoke() {
    LeakSettings s = LeakSettings.defaults();
    assertFalse(s.enabled());
    assertEquals(LeakAction.REVOKE, s.action());
    assertEquals(256 << 10, s.maxBodyBytes());
  }

  @Test
  void fromEnv_listenWithoutKeysFile_refusedByName() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> LeakSettings.fromEnv(Map.of("KEYGATE_LEAK_LISTEN", "127.0.0.1:0")));
    assertTrue(e.getMessage().contains("KEYGATE_LEAK_PUBLIC_KEYS_FILE"), e.getMessage());
  }

  @Test
  void fromEnv_badKeysFiles_refusedByName() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair notEc = rsa.generateKeyPair();
    Map<String, String> files =
        Map.of(
            "missing.json", "",
            "notjson.json", "public_keys: yes",
            "empty.json", "{\"public_keys\": []}",
            "rsa.json", LeakedKeyEndpointTest.publicKeysJson("k", notEc));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (!f.getKey().equals("missing.json")) {
        Files.writeString(file, f.getValue());
      }
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  LeakSettings.fromEnv(
                      Map.of(
                          "KEYGATE_LEAK_LISTEN",
                          "127.0.0.1:0",
                          "KEYGATE_LEAK_PUBLIC_KEYS_FILE",
                          file.toString())),
              f.getKey());
      assertTrue(e.getMessage().startsWith("KEYGATE_LEAK_PUBLIC_KEYS_FILE"), e.getMessage());
    }
  }

  @Test
  void fromEnv_actionAndSize_validated() throws Exception {
    Path file = dir.resolve("keys.json");
    Files.writeString(
        file, LeakedKeyEndpointTest.publicKeysJson("k", LeakedKeyEndpointTest.newP256()));
    LeakSettings s =
        LeakSettings.fromEnv(
            Map.of(
                "KEYGATE_LEAK_LISTEN", "127.0.0.1:0",
                "KEYGATE_LEAK_PUBLIC_KEYS_FILE", file.toString(),
                "KEYGATE_LEAK_ACTION", "disable",
                "KEYGATE_LEAK_MAX_BODY_BYTES", "4096"));
    assertEquals(LeakAction.DISABLE, s.action());
    assertEquals(1, s.publicKeys().size());
    assertThrows(
        ConfigException.class, () -> LeakSettings.fromEnv(Map.of("KEYGATE_LEAK_ACTION", "delete")));
    assertThrows(
        ConfigException.class,
        () -> LeakSettings.fromEnv(Map.of("KEYGATE_LEAK_MAX_BODY_BYTES", "10")));
  }

  @Test
  void importPrefixes_parsedLongestWins_badOneRefused() {
    ImportSettings s =
        ImportSettings.fromEnv(Map.of("KEYGATE_IMPORT_KEY_PREFIXES", "sk_, sk_live_"));
    assertEquals(Optional.of("sk_live_"), s.prefixOf("sk_live_abc"));
    assertEquals(Optional.of("sk_"), s.prefixOf("sk_test_abc"));
    assertEquals(Optional.empty(), s.prefixOf("sk_"));
    assertEquals(Optional.empty(), s.prefixOf("pk_live_abc"));
    assertThrows(
        ConfigException.class,
        () -> ImportSettings.fromEnv(Map.of("KEYGATE_IMPORT_KEY_PREFIXES", "sk live")));
  }
}
