package dev.keygate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code redis-memory <redis url> [N]}: the Redis memory of N keys as the benchmark seeds them
 * ({@link Seeder}: the server's own create, 10 keys a project), in a Redis that should hold nothing
 * else. Reports the {@code INFO memory} used_memory delta per key (what docs/performance.md's
 * target is about: record, project indexes, main-dictionary growth), and {@code MEMORY USAGE} and
 * {@code OBJECT ENCODING} of sample records and of one project's index sets, so the per-key figure
 * can be split into its parts. Run by bench/memory.sh against a private redis-server.
 */
final class RedisMemory {
  private static final int SAMPLES = 5;

  /** The id in a seeded secret {@code kg_live_<id><secret>_<checksum>}. */
  private static final int ID_START = "kg_live_".length();

  private RedisMemory() {}

  static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: redis-memory <redis url> [keys, default 1000000]");
      System.exit(2);
    }
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    if (n < SAMPLES * 10) {
      System.err.println("redis-memory: at least " + SAMPLES * 10 + " keys");
      System.exit(2);
    }
    Map<String, Object> result = measure(args[0], n);
    System.out.printf(
        "%,d keys: %.1f bytes/key used_memory delta; record MEMORY USAGE %s; project indexes"
            + " %.1f bytes/key (MEMORY USAGE of a project's sets / 10); load %s -> %s%n",
        n,
        result.get("bytes_per_key"),
        result.get("record_memory_usage"),
        result.get("index_bytes_per_key"),
        result.get("load_average_before"),
        result.get("load_average_after"));
    System.out.println(Json.write(result));
  }

  static Map<String, Object> measure(String url, int n) throws Exception {
    String namespace = "kg";
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("keys", n);
    result.put("load_average_before", BenchMain.loadAverage());
    try (RedisStats redis = new RedisStats(url)) {
      long before = redis.usedMemory();
      long t0 = System.nanoTime();
      String[] secrets = Seeder.seed(url, namespace, Seeder.pepper("memory-pepper"), n);
      result.put("seed_seconds", (System.nanoTime() - t0) / 1e9);
      long after = redis.usedMemory();
      result.put("used_memory_delta", after - before);
      result.put("bytes_per_key", (double) (after - before) / n);
      List<Long> records = new ArrayList<>();
      List<String> encodings = new ArrayList<>();
      for (int i = 0; i < SAMPLES; i++) {
        String secret = secrets[(int) ((long) i * (n - 1) / (SAMPLES - 1))];
        String key = namespace + ":key:{" + secret.substring(ID_START, ID_START + 12) + "}";
        records.add(redis.memoryUsage(key));
        encodings.add(redis.encoding(key));
      }
      result.put("record_memory_usage", records);
      result.put("record_encoding", encodings);
      // Seeder's first project: bench0, 10 keys; every per-project set there may be (those a
      // layout does not have, or that are empty, count 0)
      long indexes = 0;
      for (String set : List.of("keys", "expiring", "revoked", "active")) {
        long bytes = redis.memoryUsage(namespace + ":proj:{bench0}:" + set);
        result.put("project_" + set + "_index_memory_usage", bytes);
        indexes += bytes;
      }
      result.put("index_bytes_per_key", indexes / 10.0);
      result.put("db_keys", redis.dbSize());
      result.put("redis_version", redis.version());
    }
    result.put("load_average_after", BenchMain.loadAverage());
    return result;
  }
}
