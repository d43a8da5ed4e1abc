package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;

/** Reading key records from Redis: one, many at once (pipelined), and a project's pages. */
final class RedisReads {
  /** Upper bound on index members fetched per round trip when listing. */
  private static final int MAX_LIST_BATCH = 500;

  private final RedisClient client;
  private final RedisNamespace names;

  RedisReads(RedisClient client, RedisNamespace names) {
    this.client = client;
    this.names = names;
  }

  Optional<ApiKeyRecord> find(String id) {
    Map<String, String> hash = client.run(r -> r.hgetAll(names.record(id)));
    return RedisRecordCodec.decode(id, hash);
  }

  /**
   * One pipelined round trip: an HGETALL per distinct id, all sent before any reply is read. If the
   * pipeline fails, the ids are read one by one: single commands follow the client's retry,
   * failover and (on a Cluster) slot-map refresh, which pipelines do not, so a batch never keeps
   * failing against a node that has been replaced.
   */
  Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(ids));
    if (distinct.size() == 1) {
      // one read is one command: no pipeline to set up, and it follows the client's retries,
      // failover and slot-map refresh (a half-open breaker's probe is such a read)
      return Map.of(distinct.get(0), find(distinct.get(0)));
    }
    List<Map<String, String>> hashes;
    try {
      hashes = pipelinedHashes(distinct);
    } catch (StoreUnavailableException e) {
      if (RedisCircuit.timedOut(e)) {
        // a Redis that did not answer in time will not answer the same reads one by one either
        throw e;
      }
      // one by one; the first failure fails the rest at once, and an open circuit fails them
      // all without trying
      Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
      for (String id : distinct) {
        found.put(id, find(id));
      }
      return found;
    }
    Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      found.put(distinct.get(i), RedisRecordCodec.decode(distinct.get(i), hashes.get(i)));
    }
    return found;
  }

  private List<Map<String, String>> pipelinedHashes(List<String> ids) {
    return client.run(
        r -> {
          // on a Cluster the records live on many nodes; the cluster pipeline groups them by node
          List<Response<Map<String, String>>> replies = new ArrayList<>(ids.size());
          try (AbstractPipeline pipeline = r.pipelined()) {
            for (String id : ids) {
              replies.add(pipeline.hgetAll(names.record(id)));
            }
            pipeline.sync();
          }
          List<Map<String, String>> out = new ArrayList<>(replies.size());
          for (Response<Map<String, String>> reply : replies) {
            out.add(reply.get());
          }
          return out;
        });
  }

  /** A page of a project's keys in creation order, after the position {@code pageToken} names. */
  KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    String after = PageTokens.decode(pageToken);
    String indexKey = names.projectKeys(project);
    return client.run(
        r -> {
          List<ApiKeyRecord> page = new ArrayList<>();
          String cursor = after;
          while (true) {
            // one more member than the page still needs, so a full page knows whether more remain
            int batch = Math.min(Math.max(pageSize - page.size(), 0) + 1, MAX_LIST_BATCH);
            List<String> positions =
                r.zrangeByLex(indexKey, cursor.isEmpty() ? "-" : "(" + cursor, "+", 0, batch);
            // on a Cluster the records live on many nodes; the cluster pipeline groups them by node
            List<Response<Map<String, String>>> hashes = new ArrayList<>(positions.size());
            try (AbstractPipeline pipeline = r.pipelined()) {
              for (String position : positions) {
                hashes.add(pipeline.hgetAll(names.record(idOf(position))));
              }
              pipeline.sync();
            }
            for (int i = 0; i < positions.size(); i++) {
              if (page.size() >= pageSize) {
                return new KeyPage(page, PageTokens.encode(cursor));
              }
              String position = positions.get(i);
              cursor = position;
              // an index member without its hash is skipped: nothing deletes keys today, but a
              // hand-deleted record must not break listing
              Optional<ApiKeyRecord> key =
                  RedisRecordCodec.decode(idOf(position), hashes.get(i).get());
              if (key.isPresent() && (includeRevoked || !key.get().isRevoked())) {
                page.add(key.get());
              }
            }
            if (positions.size() < batch) {
              return new KeyPage(page, "");
            }
          }
        });
  }

  private static String idOf(String position) {
    return position.substring(position.indexOf(':') + 1);
  }
}
