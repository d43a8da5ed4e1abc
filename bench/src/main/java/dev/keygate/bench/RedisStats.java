package dev.keygate.bench;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * {@code INFO commandstats}, {@code INFO memory} and {@code MEMORY USAGE} of the Redis under test.
 */
final class RedisStats implements AutoCloseable {
  private final Jedis jedis;

  RedisStats(String url) {
    this.jedis = new Jedis(URI.create(url));
  }

  /** Calls per command name ({@code hgetall}, {@code evalsha}, …) so far. */
  Map<String, Long> commandCalls() {
    Map<String, Long> calls = new HashMap<>();
    for (String line : jedis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring(8, line.indexOf(':'));
        String rest = line.substring(line.indexOf("calls=") + 6);
        calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
      }
    }
    return calls;
  }

  /** Calls per command between two snapshots, without zero entries. */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new HashMap<>();
    after.forEach(
        (k, v) -> {
          long n = v - before.getOrDefault(k, 0L);
          if (n != 0) {
            d.put(k, n);
          }
        });
    return d;
  }

  long usedMemory() {
    for (String line : jedis.info("memory").split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }

  /** {@code MEMORY USAGE key SAMPLES 0} (every element counted); 0 if there is no such key. */
  long memoryUsage(String key) {
    Long bytes = jedis.memoryUsage(key, 0);
    return bytes == null ? 0 : bytes;
  }

  String encoding(String key) {
    return jedis.objectEncoding(key);
  }

  long dbSize() {
    return jedis.dbSize();
  }

  String version() {
    for (String line : jedis.info("server").split("\r?\n")) {
      if (line.startsWith("redis_version:")) {
        return line.substring("redis_version:".length()).trim();
      }
    }
    return "?";
  }

  @Override
  public void close() {
    jedis.close();
  }
}
