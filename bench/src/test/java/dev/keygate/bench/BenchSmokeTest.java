package dev.keygate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.config.KeygateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end in a few seconds, against a real keygate on a Netty port (in-memory
 * store): it must produce baseline-relative results and a JSON file. It measures nothing worth
 * reporting; the numbers come from bench/run.sh.
 */
class BenchSmokeTest {
  private static final String TOKEN = "bench-smoke-admin-token-0123";

  @Test
  void run_hotKeysRateLimitAndAdminWrites_writesRatiosToJson(@TempDir Path dir) throws Exception {
    KeygateServer server =
        Main.start(
            KeygateConfig.fromEnv(
                Map.of(
                    "KEYGATE_LISTEN", "127.0.0.1:0",
                    "KEYGATE_ADMIN_TOKEN", TOKEN,
                    "KEYGATE_SHUTDOWN_GRACE", "0s")));
    try {
      Path out = dir.resolve("result.json");
      BenchOptions options =
          BenchOptions.parse(
              List.of(
                  "--target",
                  "127.0.0.1:" + server.port(),
                  "--scenarios",
                  "a,d,e",
                  "--warmup",
                  "100ms",
                  "--duration",
                  "300ms",
                  "--concurrency",
                  "4",
                  "--hot-keys",
                  "3",
                  // one call a second: the first wave of 64 concurrent calls exceeds it however
                  // slow the machine, so "limited" never depends on throughput
                  "--rate-limit",
                  "1",
                  "--admin-writes",
                  "20",
                  "--out",
                  out.toString()),
              Map.of("KEYGATE_ADMIN_TOKEN", TOKEN));

      Map<String, Object> result = BenchMain.run(options);

      String json = Files.readString(out);
      assertTrue(json.contains("\"throughput_ratio\""), json);
      assertFalse(json.contains(TOKEN), "the admin token must not reach the result file");
      @SuppressWarnings("unchecked")
      Map<String, Map<String, Object>> scenarios =
          (Map<String, Map<String, Object>>) result.get("scenarios");
      @SuppressWarnings("unchecked")
      Map<String, Object> hot = (Map<String, Object>) scenarios.get("a_hot_keys").get("authorize");
      assertTrue(((Number) hot.get("ok")).longValue() > 0);
      assertEquals(0L, ((Number) hot.get("failed")).longValue());
      assertTrue(((Number) scenarios.get("a_hot_keys").get("throughput_ratio")).doubleValue() > 0);
      assertEquals(true, scenarios.get("d_rate_limit").get("within_limit"));
      assertTrue(((Number) scenarios.get("d_rate_limit").get("limited")).longValue() > 0);
      String table = Summary.markdown(result);
      assertTrue(table.contains("(a) hot keys, cache hits"), table);
    } finally {
      server.stop();
    }
  }

  @Test
  void parse_badOptions_clearErrors() {
    Map<String, String> env = Map.of("KEYGATE_ADMIN_TOKEN", TOKEN);
    assertThrows(
        IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--nope", "1"), env));
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(List.of("--scenarios", "b"), env)); // b needs Redis
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(List.of("--scenarios", "a"), Map.of())); // no token
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(List.of("--duration", "ten"), env));
  }
}
