package dev.keygate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The pieces of the new scenarios and the A/B report that need no server: options and math. */
class BenchUnitsTest {
  private static final Map<String, String> ENV =
      Map.of("KEYGATE_ADMIN_TOKEN", "t0123456789", "KEYGATE_PEPPER", "pepper");
  private static final List<String> HUNG =
      List.of(
          "--hung",
          "127.0.0.1:7071",
          "--hung-redis",
          "redis://127.0.0.1:6380",
          "--hung-redis-pid",
          "123",
          "--hung-keygate-pid",
          "456");

  @Test
  void parse_hungAndCacheOff_defaultsAndScenarioSet() {
    BenchOptions plain =
        BenchOptions.parse(List.of("--redis", "redis://x:1", "--second", "127.0.0.1:7073"), ENV);
    assertEquals(Set.of("a", "b", "c", "d", "e", "f", "j", "k"), plain.scenarios());

    List<String> args = new java.util.ArrayList<>(HUNG);
    args.addAll(List.of("--cache-off", "127.0.0.1:7072", "--redis", "redis://x:1"));
    args.addAll(List.of("--second", "127.0.0.1:7073"));
    BenchOptions o = BenchOptions.parse(args, ENV);
    assertEquals(Set.of("a", "b", "c", "d", "e", "f", "g", "h", "j", "k"), o.scenarios());
    assertEquals("127.0.0.1:7072", o.cacheOff());
    assertEquals(123, o.hung().redisPid());
    assertEquals(456, o.hung().keygatePid());
    assertEquals(2000, o.hung().calls());
    assertEquals(300, o.hung().keys());
    assertEquals(Duration.ofSeconds(1), o.hung().deadline());

    List<String> sized = new java.util.ArrayList<>(HUNG);
    sized.addAll(
        List.of(
            "--scenarios",
            "h",
            "--hung-calls",
            "50",
            "--hung-keys",
            "7",
            "--hung-deadline",
            "250ms"));
    BenchOptions h = BenchOptions.parse(sized, ENV);
    assertEquals(50, h.hung().calls());
    assertEquals(7, h.hung().keys());
    assertEquals(Duration.ofMillis(250), h.hung().deadline());
    assertEquals(250L, h.describe().get("hung_deadline_ms"));
  }

  @Test
  void parse_newScenariosWithoutTheirInstances_clearErrors() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(List.of("--scenarios", "g"), ENV)); // no --cache-off
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(List.of("--scenarios", "h", "--hung", "127.0.0.1:1"), ENV));
    List<String> noPepper = new java.util.ArrayList<>(HUNG);
    noPepper.addAll(List.of("--scenarios", "h"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchOptions.parse(noPepper, Map.of("KEYGATE_ADMIN_TOKEN", "t0123456789")));
    List<String> zero = new java.util.ArrayList<>(HUNG);
    zero.addAll(List.of("--scenarios", "h", "--hung-calls", "0"));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(zero, ENV));
  }

  @Test
  void threads_readsTheThreadsLineOfProcStatus() {
    assertEquals(
        1043,
        HungRedis.threads("Name:\tjava\nState:\tS (sleeping)\nThreads:\t1043\nVmRSS:\t1 kB\n"));
    assertEquals(-1, HungRedis.threads("Name:\tjava\n"));
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertTrue(HungRedis.threads(readSelfStatus()) > 1);
    }
  }

  private static String readSelfStatus() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void latencyAndShare_fromTheHistogram() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 100; i++) {
      h.recordValue(TimeUnit.MILLISECONDS.toNanos(i)); // 1..100 ms
    }
    Map<String, Object> ms = HungRedis.latencyMillis(h);
    assertEquals(50.0, (double) ms.get("p50_ms"), 0.1);
    assertEquals(90.0, (double) ms.get("p90_ms"), 0.1);
    assertEquals(99.0, (double) ms.get("p99_ms"), 0.1);
    assertEquals(100.0, (double) ms.get("max_ms"), 0.1);
    assertEquals(0.10, HungRedis.share(h, 10), 1e-9);
    assertEquals(1.0, HungRedis.share(h, 1000), 1e-9);
  }

  @Test
  void outcome_namesCodeAndKeygateReason() {
    com.google.rpc.Status withInfo =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
            .setMessage("the key store is unreachable")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain("keygate")
                        .setReason("STORE_UNAVAILABLE")
                        .build()))
            .build();
    assertEquals(
        "UNAVAILABLE/STORE_UNAVAILABLE",
        HungRedis.outcome(StatusProto.toStatusRuntimeException(withInfo)));
    assertEquals(
        "DEADLINE_EXCEEDED", HungRedis.outcome(Status.DEADLINE_EXCEEDED.asRuntimeException()));
  }

  @Test
  void json_readsBackWhatItWrites() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a \"q\" \\ b\nc");
    m.put("d", 0.25);
    m.put("l", 42L);
    m.put("b", true);
    m.put("n", null);
    m.put("list", List.of(1L, List.of(), Map.of()));
    m.put("nested", Map.of("x", -1.5e3));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) Json.parse(Json.write(m));
    assertEquals("a \"q\" \\ b\nc", back.get("s"));
    assertEquals(0.25, back.get("d"));
    assertEquals(42.0, back.get("l"));
    assertEquals(true, back.get("b"));
    assertTrue(back.containsKey("n"));
    assertNull(back.get("n"));
    assertEquals(List.of(1.0, List.of(), Map.of()), back.get("list"));
    assertEquals(Map.of("x", -1500.0), back.get("nested"));
    assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
  }

  @Test
  void abReport_sideBySideCellsInRunOrder() {
    List<AbReport.Run> runs =
        List.of(
            run("old", 0.9, 1500.0, 12.0),
            run("new", 0.95, 4.0, 3.0),
            run("new", 0.97, 5.0, 2.0),
            run("old", 0.8, 1400.0, 11.0));
    String md = AbReport.markdown("A/B t", "1.00 2.00 3.00", "4.00 5.00 6.00", null, runs);
    assertTrue(md.contains("| Figure | old | new |"), md);
    assertTrue(md.contains("at the start: 1.00 2.00 3.00; at the end: 4.00 5.00 6.00"), md);
    assertTrue(
        md.contains("| (a) hot keys, cache hits: ratio vs baseline | 0.90 / 0.80 | 0.95 / 0.97 |"),
        md);
    assertTrue(
        md.contains(
            "| (h) hung Redis round 1: answers p50/p90/p99/max ms | 1,500/1,500/1,500/1,500 /"
                + " 1,400/1,400/1,400/1,400 | 4/4/4/4 / 5/5/5/5 |"),
        md);
    assertTrue(md.contains("| (h) recovery after SIGCONT, ms | 12 / 11 | 3 / 2 |"), md);
    assertTrue(md.contains("DEADLINE_EXCEEDED 2,000"), md);
    assertTrue(md.contains("new 2 (load 0.50 → 0.70)"), md);
    // (b) and (g) were not run: no rows for them
    assertTrue(!md.contains("(g) cache off"), md);
  }

  @Test
  void summaryHung_linesForBothRoundsAndRecovery() {
    String text = Summary.hung(hung(1500.0, 12.0));
    assertTrue(text.contains("round1: answers p50 1500.0 ms"), text);
    assertTrue(text.contains("round2 (Redis still stopped)"), text);
    assertTrue(text.contains("wrong OKs 0 (met)"), text);
    assertTrue(text.contains("allowed again after 12 ms"), text);
  }

  private static AbReport.Run run(String label, double ratio, double hungMs, double recovery) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("baseline", Map.of("throughput_per_s", 1000.0, "p99_us", 900.0));
    a.put("authorize", Map.of("throughput_per_s", 1000.0 * ratio, "p99_us", 1000.0));
    a.put("throughput_ratio", ratio);
    a.put("p50_delta_us", 20.0);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("load_average_before", "0.50 0.40 0.30");
    result.put("load_average_after", "0.70 0.40 0.30");
    result.put("scenarios", Map.of("a_hot_keys", a, "h_hung_redis", hung(hungMs, recovery)));
    // through the file format, as the report reads it
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) Json.parse(Json.write(result));
    return new AbReport.Run(label, back);
  }

  private static Map<String, Object> hung(double ms, double recovery) {
    Map<String, Object> round = new LinkedHashMap<>();
    round.put("p50_ms", ms);
    round.put("p90_ms", ms);
    round.put("p99_ms", ms);
    round.put("max_ms", ms);
    round.put("within_10ms", 0.0);
    round.put("outcomes", Map.of("DEADLINE_EXCEEDED", 2000L));
    round.put("wrong_ok", 0L);
    round.put("threads_max_during", 900L);
    round.put("threads_1s_after", 1000L);
    round.put("threads_max", 1000L);
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("calls_per_round", 2000L);
    h.put("uncached_keys", 300L);
    h.put("deadline_ms", 1000L);
    h.put("threads_before", 30L);
    h.put("round1", round);
    h.put("round2", round);
    h.put("recovery_ms", recovery);
    h.put("recovery_polls", 2L);
    h.put("recovery_poll_outcomes", Map.of("OK", 1L));
    h.put("threads_after_recovery", 40L);
    return h;
  }
}
