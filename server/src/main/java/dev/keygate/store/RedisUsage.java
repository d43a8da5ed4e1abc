package dev.keygate.store;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Adds flushed usage counts to the records ({@code usage.lua}, one call per key, pipelined), so
 * that a flush that partly fails never counts a delta twice: each delta is either known to be
 * applied, known not to be (an error reply; refused before anything was sent), or uncertain (the
 * connection was lost after the commands went out). Only the second kind is handed back for a retry
 * ({@link UsageNotRecordedException}).
 */
final class RedisUsage {
  private static final LuaScript USAGE = LuaScript.resource("usage");

  private final RedisClient client;
  private final RedisNamespace names;

  RedisUsage(RedisClient client, RedisNamespace names) {
    this.client = client;
    this.names = names;
  }

  /**
   * @throws UsageNotRecordedException if any delta was not (or may not have been) applied
   */
  void record(Collection<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    List<UsageDelta> batch = List.copyOf(deltas);
    // set once a command may have left this process: from then on a lost connection leaves
    // the outcome of every delta without a reply unknown
    boolean[] sending = {false};
    List<UsageDelta> failed;
    try {
      failed = client.run(r -> send(r, batch, sending));
    } catch (StoreUnavailableException e) {
      // a reply that timed out leaves Redis alive with our commands: it may have run them, or
      // run them later. Any other failure (refused, reset, end of stream, broken pipe) means the
      // peer was gone or closed the connection, which Redis does not do after running commands
      // it got (short of dying right after them): those deltas are sent again
      if (!sending[0] || !RedisCircuit.timedOut(e)) {
        throw new UsageNotRecordedException("usage flush not sent: " + e.getMessage(), batch, 0, e);
      }
      throw new UsageNotRecordedException(
          "usage flush interrupted: "
              + batch.size()
              + " deltas may or may not be counted and are not sent again",
          List.of(),
          batch.size(),
          e);
    }
    if (!failed.isEmpty()) {
      throw new UsageNotRecordedException(
          failed.size() + " of " + batch.size() + " usage deltas refused by Redis",
          failed,
          0,
          null);
    }
  }

  /** Sends the batch; answers the deltas Redis answered with an error (not applied). */
  private List<UsageDelta> send(
      redis.clients.jedis.UnifiedJedis r, List<UsageDelta> batch, boolean[] sending) {
    List<List<String>> keys = new ArrayList<>(batch.size());
    List<List<String>> args = new ArrayList<>(batch.size());
    for (UsageDelta d : batch) {
      keys.add(List.of(names.record(d.keyId())));
      args.add(
          List.of(
              Long.toString(d.count()),
              Long.toString(LocalDate.ofInstant(d.lastUsedAt(), ZoneOffset.UTC).toEpochDay()),
              Long.toString(d.lastUsedAt().toEpochMilli())));
    }
    List<Response<Object>> responses = new ArrayList<>(batch.size());
    try (AbstractPipeline pipeline = r.pipelined()) {
      sending[0] = true;
      for (int i = 0; i < batch.size(); i++) {
        responses.add(pipeline.evalsha(USAGE.sha(), keys.get(i), args.get(i)));
      }
      pipeline.sync();
    }
    List<UsageDelta> failed = new ArrayList<>();
    for (int i = 0; i < responses.size(); i++) {
      try {
        responses.get(i).get();
      } catch (JedisNoScriptException e) {
        // a script cache miss (Redis restarted or flushed) fails only that command, which then
        // did not run: re-running it with EVAL neither loses nor double-counts the delta
        try {
          r.eval(USAGE.source(), keys.get(i), args.get(i));
        } catch (JedisDataException again) {
          failed.add(batch.get(i));
        }
      } catch (JedisDataException e) {
        // an error reply: the script stopped before it counted (its first write is the count)
        failed.add(batch.get(i));
      }
    }
    return failed;
  }
}
