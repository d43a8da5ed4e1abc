package dev.keygate.imports;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.Tuple;

/** Everything a namespace holds in Redis as text, key names and values: to look for secrets. */
final class RedisContents {
  private RedisContents() {}

  static List<String> dump(String url, String namespace) {
    List<String> all = new ArrayList<>();
    try (Jedis jedis = new Jedis(URI.create(url))) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page =
            jedis.scan(cursor, new ScanParams().match(namespace + ":*").count(1000));
        for (String key : page.getResult()) {
          all.add(key);
          switch (jedis.type(key)) {
            case "string" -> all.add(jedis.get(key));
            case "hash" -> {
              for (Map.Entry<String, String> e : jedis.hgetAll(key).entrySet()) {
                all.add(e.getKey() + "=" + e.getValue());
              }
            }
            case "zset" -> {
              for (Tuple t : jedis.zrangeWithScores(key, 0, -1)) {
                all.add(t.getElement());
              }
            }
            case "set" -> all.addAll(jedis.smembers(key));
            case "list" -> all.addAll(jedis.lrange(key, 0, -1));
            case "stream" -> {
              for (StreamEntry e : jedis.xrange(key, "-", "+")) {
                all.add(e.getFields().toString());
              }
            }
            default -> all.add("<" + jedis.type(key) + ">");
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    return all;
  }
}
