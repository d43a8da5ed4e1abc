package dev.keygate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Load-generator settings, from {@code --name value} arguments. Secrets (admin token, pepper) are
 * read from the environment ({@code KEYGATE_ADMIN_TOKEN}, {@code KEYGATE_PEPPER}) so they never
 * show in a process list, and are never written to the result file.
 */
record BenchOptions(
    String target,
    String second,
    String redis,
    String namespace,
    String pepper,
    String adminToken,
    Duration warmup,
    Duration duration,
    int concurrency,
    int hotKeys,
    int uniformKeys,
    double zipfS,
    double missRatio,
    int rateLimit,
    int adminWritesPerSecond,
    int revocationRounds,
    double openLoadFraction,
    Set<String> scenarios,
    Path out) {

  static final String USAGE =
      """
      keygate-bench [--target 127.0.0.1:7070] [--second host:port] [--redis redis://host:port]
                    [--namespace kg] [--scenarios a,b,c,d,e,f] [--duration 10s] [--warmup 3s]
                    [--concurrency 32] [--hot-keys 16] [--keys 1000000] [--zipf-s 1.0]
                    [--miss-ratio 0.05] [--rate-limit 1000] [--admin-writes 50]
                    [--revocations 200] [--open-load 0.7] [--out bench-result.json]
        env: KEYGATE_ADMIN_TOKEN (required), KEYGATE_PEPPER (scenarios b, c: seeding)
        scenarios: a hot keys (cache hits), b many keys uniform (misses; needs --redis),
                   c Zipf + unknown keys (needs b), d 64 clients on one rate-limited key,
                   e admin writes during load, f revocation seen by --second
      keygate-bench jmh [JMH options]   runs the micro-benchmarks
      """;

  static BenchOptions parse(List<String> args, Map<String, String> env) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i += 2) {
      String name = args.get(i);
      if (!name.startsWith("--") || i + 1 >= args.size()) {
        throw new IllegalArgumentException("expected --name value pairs, got " + name);
      }
      a.put(name.substring(2), args.get(i + 1));
    }
    String token = env.get("KEYGATE_ADMIN_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "KEYGATE_ADMIN_TOKEN must be set (the server's admin token)");
    }
    BenchOptions o =
        new BenchOptions(
            a.getOrDefault("target", "127.0.0.1:7070"),
            a.get("second"),
            a.get("redis"),
            a.getOrDefault("namespace", "kg"),
            env.get("KEYGATE_PEPPER"),
            token,
            duration(a.getOrDefault("warmup", "3s")),
            duration(a.getOrDefault("duration", "10s")),
            Integer.parseInt(a.getOrDefault("concurrency", "32")),
            Integer.parseInt(a.getOrDefault("hot-keys", "16")),
            Integer.parseInt(a.getOrDefault("keys", "1000000")),
            Double.parseDouble(a.getOrDefault("zipf-s", "1.0")),
            Double.parseDouble(a.getOrDefault("miss-ratio", "0.05")),
            Integer.parseInt(a.getOrDefault("rate-limit", "1000")),
            Integer.parseInt(a.getOrDefault("admin-writes", "50")),
            Integer.parseInt(a.getOrDefault("revocations", "200")),
            Double.parseDouble(a.getOrDefault("open-load", "0.7")),
            Set.of(a.getOrDefault("scenarios", "a,b,c,d,e,f").split(",")),
            Path.of(a.getOrDefault("out", "bench-result.json")));
    a.keySet()
        .removeAll(
            Set.of(
                "target",
                "second",
                "redis",
                "namespace",
                "warmup",
                "duration",
                "concurrency",
                "hot-keys",
                "keys",
                "zipf-s",
                "miss-ratio",
                "rate-limit",
                "admin-writes",
                "revocations",
                "open-load",
                "scenarios",
                "out"));
    if (!a.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + a.keySet());
    }
    if ((o.scenarios.contains("b") || o.scenarios.contains("c"))
        && (o.redis == null || o.pepper == null)) {
      throw new IllegalArgumentException("scenarios b and c need --redis and KEYGATE_PEPPER");
    }
    if (o.scenarios.contains("c") && !o.scenarios.contains("b")) {
      throw new IllegalArgumentException("scenario c reuses b's keys: run b too");
    }
    if (o.scenarios.contains("f") && o.second == null) {
      throw new IllegalArgumentException("scenario f needs --second host:port");
    }
    return o;
  }

  /** The settings as recorded in the result file: everything but the secrets. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("second", second);
    m.put("warmup_s", warmup.toMillis() / 1000.0);
    m.put("duration_s", duration.toMillis() / 1000.0);
    m.put("concurrency", concurrency);
    m.put("hot_keys", hotKeys);
    m.put("uniform_keys", uniformKeys);
    m.put("zipf_s", zipfS);
    m.put("miss_ratio", missRatio);
    m.put("rate_limit", rateLimit);
    m.put("admin_writes_per_s", adminWritesPerSecond);
    m.put("open_load", openLoadFraction);
    m.put("scenarios", scenarios.stream().sorted().toList());
    return m;
  }

  private static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofMillis(
          (long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
    }
    throw new IllegalArgumentException("durations look like 500ms or 10s, got " + text);
  }
}
