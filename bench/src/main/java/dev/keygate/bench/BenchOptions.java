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
    Path out,
    String cacheOff,
    HungOptions hung) {

  /**
   * Scenario h: an instance with a Redis of its own that the generator pauses (SIGSTOP), the
   * processes' ids, and the size of each round.
   */
  record HungOptions(
      String target,
      String redis,
      long redisPid,
      long keygatePid,
      int calls,
      int keys,
      Duration deadline) {}

  static final String USAGE =
      """
      keygate-bench [--target 127.0.0.1:7070] [--second host:port] [--redis redis://host:port]
                    [--namespace kg] [--scenarios a,b,c,d,e,f,j,k] [--duration 10s] [--warmup 3s]
                    [--concurrency 32] [--hot-keys 16] [--keys 1000000] [--zipf-s 1.0]
                    [--miss-ratio 0.05] [--rate-limit 1000] [--admin-writes 50]
                    [--revocations 200] [--open-load 0.7] [--out bench-result.json]
                    [--cache-off host:port]
                    [--hung host:port --hung-redis redis://host:port --hung-redis-pid PID
                     --hung-keygate-pid PID] [--hung-calls 2000] [--hung-keys 300]
                    [--hung-deadline 1s]
        env: KEYGATE_ADMIN_TOKEN (required), KEYGATE_PEPPER (scenarios b, c, h: seeding)
        scenarios: a hot keys (cache hits), b many keys uniform (misses; needs --redis),
                   c Zipf + unknown keys (needs b), d 64 clients on one rate-limited key,
                   e admin writes during load, f revocation seen by --second,
                   g cache off: an instance started with KEYGATE_CACHE_MAX_KEYS=0 on the
                     same Redis (--cache-off), b's keys if b runs, else hot keys,
                   h hung Redis: SIGSTOP the Redis of its own of the --hung instance, fire
                     --hung-calls Authorize calls for uncached keys (twice), SIGCONT, time
                     until a good key is allowed again
                   j access controls on cache hits: hot keys with an 8-CIDR IP allowlist and
                     two local limits, against the baseline and plain hot keys
                   k credits on cache hits: hot keys with credits (one Redis round trip a
                     call), against the baseline and plain hot keys
        default scenarios: a-f, j and k, plus g with --cache-off and h with --hung
      keygate-bench jmh [JMH options]   runs the micro-benchmarks
      keygate-bench ab-report --out FILE [--title T] LABEL=result.json ...   A/B table
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
            Set.of(a.getOrDefault("scenarios", defaultScenarios(a)).split(",")),
            Path.of(a.getOrDefault("out", "bench-result.json")),
            a.get("cache-off"),
            new HungOptions(
                a.get("hung"),
                a.get("hung-redis"),
                Long.parseLong(a.getOrDefault("hung-redis-pid", "0")),
                Long.parseLong(a.getOrDefault("hung-keygate-pid", "0")),
                Integer.parseInt(a.getOrDefault("hung-calls", "2000")),
                Integer.parseInt(a.getOrDefault("hung-keys", "300")),
                duration(a.getOrDefault("hung-deadline", "1s"))));
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
                "out",
                "cache-off",
                "hung",
                "hung-redis",
                "hung-redis-pid",
                "hung-keygate-pid",
                "hung-calls",
                "hung-keys",
                "hung-deadline"));
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
    if (o.scenarios.contains("g") && o.cacheOff == null) {
      throw new IllegalArgumentException(
          "scenario g needs --cache-off host:port (keygate with KEYGATE_CACHE_MAX_KEYS=0)");
    }
    if (o.scenarios.contains("g") && o.scenarios.contains("b") && o.redis == null) {
      throw new IllegalArgumentException("scenario g with b needs --redis");
    }
    if (o.scenarios.contains("h")) {
      HungOptions h = o.hung;
      if (h.target == null || h.redis == null || h.redisPid <= 0 || h.keygatePid <= 0) {
        throw new IllegalArgumentException(
            "scenario h needs --hung, --hung-redis, --hung-redis-pid and --hung-keygate-pid");
      }
      if (o.pepper == null) {
        throw new IllegalArgumentException("scenario h seeds keys: it needs KEYGATE_PEPPER");
      }
      if (h.calls < 1 || h.keys < 1 || h.deadline.isZero()) {
        throw new IllegalArgumentException(
            "--hung-calls, --hung-keys and --hung-deadline must be positive");
      }
    }
    return o;
  }

  /** a-f and j, plus g and h when their instances are given. */
  private static String defaultScenarios(Map<String, String> a) {
    return "a,b,c,d,e,f,j,k"
        + (a.containsKey("cache-off") ? ",g" : "")
        + (a.containsKey("hung") ? ",h" : "");
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
    m.put("cache_off", cacheOff);
    if (scenarios.contains("h")) {
      m.put("hung", hung.target);
      m.put("hung_calls", hung.calls);
      m.put("hung_keys", hung.keys);
      m.put("hung_deadline_ms", hung.deadline.toMillis());
    }
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
