package dev.keygate.bench;

import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.RateLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heap per active rate limiter: {@link RateLimits} (the server's own class) holding N limiters, one
 * per key, measured as used heap after full GCs, minus the same before, divided by N. The key ids
 * are made before the first measurement, since a live key's id string is held by its cached record
 * anyway; so the figure is what the limiter itself adds (limiter, its cache entry and map node, the
 * lookup key). The period is long, so no limiter is evicted while counting.
 */
public final class LimiterMemory {
  private LimiterMemory() {}

  /** Run with {@code limiter-memory [N]}; prints one line and a JSON object. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Map<String, Object> result = measure(n);
    System.out.printf(
        "rate limiters: %,d active, %,d bytes of heap each (%,d bytes in all)%n",
        result.get("limiters"), result.get("bytes_per_limiter"), result.get("bytes_total"));
    System.out.println(Json.write(result));
  }

  static Map<String, Object> measure(int n) throws InterruptedException {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      // the shape of real key ids: 12 base62 characters
      ids[i] = String.format("k%011d", i);
    }
    RateLimitSpec spec = new RateLimitSpec(1000, Duration.ofHours(1));
    RateLimits limits = new RateLimits();
    limits.acquire("warm-up-key0", spec); // class loading and the cache's own structures
    long before = usedAfterGc();
    for (String id : ids) {
      limits.acquire(id, spec);
    }
    long after = usedAfterGc();
    long held = limits.size();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("limiters", held);
    result.put("bytes_total", after - before);
    result.put("bytes_per_limiter", (after - before) / Math.max(1, n));
    result.put("ids_kept_alive", ids.length); // reachable until here, so not counted
    return result;
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
