package dev.keygate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load generator: runs the chosen scenarios against a running keygate, prints a summary and
 * writes a JSON result file. {@code jmh} as first argument runs the micro-benchmarks instead,
 * {@code limiter-memory} the rate-limiter heap measurement ({@link LimiterMemory}), {@code
 * redis-memory} the Redis memory per key ({@link RedisMemory}), {@code ab-report} the
 * branch-against-branch table ({@link AbReport}, used by bench/ab.sh).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("ab-report")) {
      AbReport.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("create-key")) {
      CreateKey.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("redis-memory")) {
      RedisMemory.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("limiter-memory")) {
      LimiterMemory.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("keygate-bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Map<String, Object> result = run(options);
    System.out.print(Summary.markdown(result));
  }

  /** Runs the scenarios and writes the result file; returns what it wrote. */
  public static Map<String, Object> run(BenchOptions o) throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("started_at", Instant.now().toString());
    result.put("machine", machine());
    result.put("load_average_before", loadAverage());
    result.put("options", o.describe());
    Map<String, Object> scenarios = new LinkedHashMap<>();
    result.put("scenarios", scenarios);
    try (Target target = new Target(o.target(), o.adminToken());
        RedisStats redis = o.redis() == null ? null : new RedisStats(o.redis())) {
      target.awaitServing(60);
      Scenarios s = new Scenarios(o, target);
      s.warmUpJit();
      if (o.scenarios().contains("a")) {
        scenarios.put("a_hot_keys", s.hotKeys(redis));
      }
      if (o.scenarios().contains("j")) {
        scenarios.put("j_allowlist_hits", new AccessScenarios(o, target).allowlistHits());
      }
      if (o.scenarios().contains("k")) {
        scenarios.put("k_credits_hits", new AccessScenarios(o, target).creditsHits());
      }
      if (o.scenarios().contains("b")) {
        scenarios.put("b_uniform", s.uniform(redis));
      }
      if (o.scenarios().contains("c")) {
        scenarios.put("c_zipf", s.zipf(redis));
      }
      if (o.scenarios().contains("d")) {
        scenarios.put("d_rate_limit", s.rateLimited());
      }
      if (o.scenarios().contains("e")) {
        scenarios.put("e_admin_writes", s.adminWrites());
      }
      if (o.scenarios().contains("f")) {
        try (Target second = new Target(o.second(), o.adminToken())) {
          second.awaitServing(60);
          scenarios.put("f_revocation", Scenarios.revocation(target, second, o.revocationRounds()));
        }
      }
      if (o.scenarios().contains("g")) {
        try (Target cacheOff = new Target(o.cacheOff(), o.adminToken())) {
          scenarios.put("g_cache_off", s.cacheOff(cacheOff, redis));
        }
      }
      if (o.scenarios().contains("h")) {
        try (Target hung = new Target(o.hung().target(), o.adminToken())) {
          hung.awaitServing(60);
          scenarios.put(
              "h_hung_redis",
              new HungRedis(o.hung(), hung).run(o.namespace(), Seeder.pepper(o.pepper())));
        }
      }
    }
    result.put("load_average_after", loadAverage());
    result.put("finished_at", Instant.now().toString());
    Files.writeString(o.out(), Json.write(result));
    return result;
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("cpu_model", cpuModel());
    return m;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  /** The 1/5/15-minute load averages ({@code uptime}); others share this machine. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return String.format(
          "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
