package dev.keygate.store;

import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Record writes that, with {@code KEYGATE_REDIS_WAIT_REPLICAS} above 0, also wait for that many
 * replicas to acknowledge them ({@code WAIT}) before they count as done.
 *
 * <p>{@code WAIT} covers the writes made so far on its own connection, so the script and the {@code
 * WAIT} go out in one pipeline, which sends both on one connection to the record's node (on a
 * Cluster, the master of the record's slot). Behind one master (standalone, Sentinel) the
 * replication stream is one sequence, so the acknowledgement covers every earlier write of the
 * operation too; on a Cluster it covers the record's slot, not the project's indexes.
 */
final class AcknowledgedWrites {
  private static final LuaScript TOUCH = LuaScript.resource("touch");

  /** A script's reply and how many replicas acknowledged it (all wanted when none are). */
  record Acked(Object reply, long replicas) {}

  private final RedisClient client;
  private final ReplicaAcks acks;

  AcknowledgedWrites(RedisClient client, ReplicaAcks acks) {
    this.client = client;
    this.acks = acks;
  }

  /** Runs {@code script}, whose first key is the record, then waits for the replicas. */
  Acked eval(LuaScript script, List<String> keys, List<String> args) {
    if (acks.replicas() == 0) {
      return new Acked(client.run(r -> script.eval(r, keys, args)), 0);
    }
    return client.run(
        r -> {
          try {
            return evalAndWait(r, keys.get(0), p -> p.evalsha(script.sha(), keys, args));
          } catch (JedisNoScriptException e) {
            // the script did not run (not cached on that node): sending it in full neither loses
            // nor repeats the write
            return evalAndWait(r, keys.get(0), p -> p.eval(script.source(), keys, args));
          }
        });
  }

  /**
   * Confirms that the record's writes so far reached the replicas: a no-op write to it (see {@code
   * touch.lua}) and a {@code WAIT}. For a change that turned out to need no write (a retried
   * revoke), so that its OK means what a written one's does.
   *
   * @throws StoreNotDurableException if too few replicas acknowledged
   */
  void confirm(String recordKey, String keyId) {
    if (acks.replicas() == 0) {
      return;
    }
    requireAcknowledged(eval(TOUCH, List.of(recordKey), List.of()), keyId);
  }

  /**
   * @throws StoreNotDurableException if {@code acked} has fewer replicas than required
   */
  void requireAcknowledged(Acked acked, String keyId) {
    if (acked.replicas() < acks.replicas()) {
      throw new StoreNotDurableException(keyId, acked.replicas(), acks.replicas());
    }
  }

  private Acked evalAndWait(
      UnifiedJedis r, String recordKey, Function<AbstractPipeline, Response<Object>> script) {
    Response<Object> reply;
    Response<Long> waited;
    try (AbstractPipeline pipeline = r.pipelined()) {
      reply = script.apply(pipeline);
      waited = pipeline.waitReplicas(recordKey, acks.replicas(), acks.timeout().toMillis());
      pipeline.sync();
    }
    Object result = reply.get(); // throws the script's error (NOSCRIPT included) first
    return new Acked(result, waited.get());
  }
}
