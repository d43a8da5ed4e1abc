package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Changing existing records: replace (compare-and-set on the version, with its invalidation) and
 * the usage counts flushed by the sidecars.
 */
final class RedisUpdates {
  private static final LuaScript REPLACE = LuaScript.resource("replace");
  private static final LuaScript USAGE = LuaScript.resource("usage");

  private final RedisClient client;
  private final RedisNamespace names;
  private final AcknowledgedWrites writes;

  RedisUpdates(RedisClient client, RedisNamespace names, AcknowledgedWrites writes) {
    this.client = client;
    this.names = names;
    this.writes = writes;
  }

  /**
   * Writes the record (compare-and-set on the version, and the invalidation) in the key's slot,
   * then sets the key's score in the project's active set. A crash between the steps leaves the
   * active set stale for that key; a create that finds the project full reconciles it.
   */
  boolean replace(ApiKeyRecord updated, long expectedVersion) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(expectedVersion));
    args.add(updated.id());
    args.add(names.invalidationChannel());
    RedisRecordCodec.appendFields(args, updated);
    AcknowledgedWrites.Acked acked =
        writes.eval(REPLACE, List.of(names.record(updated.id())), args);
    long result = (Long) acked.reply();
    if (result < 0) {
      throw new NoSuchElementException("no key " + updated.id());
    }
    if (result == 0) {
      return false;
    }
    // step 2, in the project's slot; if this fails the set is stale until a create reconciles it
    String activeKey = names.projectActive(updated.project());
    if (updated.isRevoked()) {
      client.run(r -> r.zrem(activeKey, updated.id()));
    } else {
      double score =
          updated.expiresAt() == null
              ? Double.POSITIVE_INFINITY
              : updated.expiresAt().toEpochMilli();
      client.run(r -> r.zadd(activeKey, score, updated.id()));
    }
    // the change stands whatever the replicas say; a retry re-reads it and finds it made
    writes.requireAcknowledged(acked, updated.id());
    return true;
  }

  /** See {@link KeyStore#confirmDurable}. */
  void confirmDurable(String id) {
    writes.confirm(names.record(id), id);
  }

  /** Adds the deltas to their records, pipelined; a delta for a missing record is dropped. */
  void recordUsage(Collection<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    client.run(
        r -> {
          List<UsageDelta> pending = List.copyOf(deltas);
          List<List<String>> keys = new ArrayList<>(pending.size());
          List<List<String>> args = new ArrayList<>(pending.size());
          for (UsageDelta d : pending) {
            keys.add(List.of(names.record(d.keyId())));
            args.add(
                List.of(
                    Long.toString(d.count()),
                    Long.toString(LocalDate.ofInstant(d.lastUsedAt(), ZoneOffset.UTC).toEpochDay()),
                    Long.toString(d.lastUsedAt().toEpochMilli())));
          }
          List<Response<Object>> responses = new ArrayList<>(pending.size());
          try (AbstractPipeline pipeline = r.pipelined()) {
            for (int i = 0; i < pending.size(); i++) {
              responses.add(pipeline.evalsha(USAGE.sha(), keys.get(i), args.get(i)));
            }
            pipeline.sync();
          }
          // a script cache miss (Redis restarted or flushed) fails only that command, which then
          // did not run: re-running it with EVAL neither loses nor double-counts the delta
          for (int i = 0; i < responses.size(); i++) {
            try {
              responses.get(i).get();
            } catch (JedisNoScriptException e) {
              r.eval(USAGE.source(), keys.get(i), args.get(i));
            }
          }
          return null;
        });
  }
}
