package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** {@code keygate keys migrate-layout} against a real Redis, configured as the server is. */
@ExtendWith(RedisServerExtension.class)
class KeyMigrateLayoutTest {
  private static final byte[] DIGEST = new byte[32];

  static {
    for (int i = 0; i < DIGEST.length; i++) {
      DIGEST[i] = (byte) (255 - i * 7);
    }
  }

  private final TestRedis redis;

  KeyMigrateLayoutTest(TestRedis redis) {
    this.redis = redis;
  }

  /** A record exactly as keygate wrote it before the packed layout: every field, "" if absent. */
  private static Map<String, String> oldRecord(String id, long version) {
    Map<String, String> h = new HashMap<>();
    h.putAll(
        Map.of(
            "p",
            "acme",
            "n",
            "billing worker",
            "d",
            "",
            "m",
            "team=payments",
            "s",
            "tasks:read tasks:write",
            "k",
            "live",
            "px",
            "kg_live_" + id,
            "c",
            "1795000000000",
            "u",
            "1795000600000",
            "e",
            ""));
    h.putAll(
        Map.of(
            "r",
            "",
            "rr",
            "",
            "h",
            Base64.getUrlEncoder().withoutPadding().encodeToString(DIGEST),
            "ph",
            "",
            "pe",
            "",
            "ro",
            "",
            "rl",
            "100/60000",
            "lm",
            "",
            "ver",
            Long.toString(version)));
    h.putAll(Map.of("da", "", "dr", "", "ip", "", "cr", "", "ut", "7"));
    return h;
  }

  private static CliRun run(Map<String, String> env, String... args) {
    return CliRun.run(env, "", Clock.systemUTC(), e -> 0, args);
  }

  @Test
  void migratesOldRecords_thenFindsNothingToDo() {
    String ns = redis.newNamespace();
    Map<String, String> env =
        Map.of("KEYGATE_REDIS_URL", redis.url(), "KEYGATE_REDIS_NAMESPACE", ns);
    String key = ns + ":key:{AAAAAAAAAAA1}";
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      jedis.hset(key, oldRecord("AAAAAAAAAAA1", 4));

      CliRun first = run(env, "keys", "migrate-layout", "--batch-size", "10");
      assertEquals(0, first.exit(), first.toString());
      assertTrue(first.out().contains("migrated: 1, already packed: 0"), first.toString());
      Map<String, String> packed = jedis.hgetAll(key);
      assertTrue(packed.containsKey("a"), packed.keySet().toString());
      assertFalse(packed.containsKey("k"), packed.keySet().toString());
      assertEquals("7", packed.get("ut"));
      assertEquals("4", packed.get("ver"));
      try (RedisKeyStore store = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), ns)) {
        ApiKeyRecord k = store.find("AAAAAAAAAAA1").orElseThrow();
        assertEquals("billing worker", k.name());
        assertEquals(List.of("tasks:read", "tasks:write"), k.scopes());
        assertEquals(Map.of("team", "payments"), k.metadata());
        assertEquals(Instant.ofEpochMilli(1795000000000L), k.createdAt());
        assertEquals(Instant.ofEpochMilli(1795000600000L), k.updatedAt());
        assertEquals("kg_live_AAAAAAAAAAA1", k.prefix());
        assertEquals(100, k.rateLimit().requests());
        assertArrayEquals(DIGEST, k.digest());
        assertEquals(7, k.usage().total());
      }

      CliRun second = run(env, "keys", "migrate-layout");
      assertEquals(0, second.exit(), second.toString());
      assertTrue(second.out().contains("migrated: 0, already packed: 1"), second.toString());
    }
  }

  @Test
  void aMalformedRecord_isLeftAlone_namedAndFailsTheRun() {
    String ns = redis.newNamespace();
    Map<String, String> env =
        Map.of("KEYGATE_REDIS_URL", redis.url(), "KEYGATE_REDIS_NAMESPACE", ns);
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      Map<String, String> bad = oldRecord("BBBBBBBBBBB1", 1);
      bad.put("c", "yesterday");
      jedis.hset(ns + ":key:{BBBBBBBBBBB1}", bad);
      jedis.hset(ns + ":key:{AAAAAAAAAAA2}", oldRecord("AAAAAAAAAAA2", 1));

      CliRun run = run(env, "keys", "migrate-layout");
      assertEquals(ExitCode.FAILED.code(), run.exit(), run.toString());
      assertTrue(run.out().contains("migrated: 1"), run.toString());
      assertTrue(run.out().contains("malformed: 1"), run.toString());
      assertTrue(run.out().endsWith("malformed: BBBBBBBBBBB1\n"), run.toString());
      assertEquals("yesterday", jedis.hget(ns + ":key:{BBBBBBBBBBB1}", "c"));
    }
  }

  @Test
  void badSettingsAndAnUnreachableRedis_failClearly_withoutThePassword() throws Exception {
    CliRun none = run(Map.of(), "keys", "migrate-layout");
    assertEquals(ExitCode.USAGE.code(), none.exit(), none.toString());
    assertTrue(none.err().contains("KEYGATE_REDIS_URL is not set"), none.toString());

    CliRun batch =
        run(
            Map.of("KEYGATE_REDIS_URL", redis.url()),
            "keys",
            "migrate-layout",
            "--batch-size",
            "0");
    assertEquals(ExitCode.USAGE.code(), batch.exit(), batch.toString());
    assertTrue(batch.err().contains("--batch-size must be 1-1000"), batch.toString());

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    CliRun down =
        run(
            Map.of(
                "KEYGATE_REDIS_URL",
                "redis://:hunter2secret@127.0.0.1:" + port,
                "KEYGATE_REDIS_TIMEOUT",
                "500ms"),
            "keys",
            "migrate-layout");
    assertEquals(ExitCode.UNAVAILABLE.code(), down.exit(), down.toString());
    assertTrue(down.err().contains("run it again"), down.toString());
    assertFalse(down.toString().contains("hunter2secret"), down.toString());
  }
}
