package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Changing existing records: replace (compare-and-set on the version, with its invalidation), and
 * confirming a record's durability when a change needed no write.
 */
final class RedisUpdates {
  private static final LuaScript REPLACE = LuaScript.resource("replace");

  private final RedisClient client;
  private final RedisNamespace names;
  private final AcknowledgedWrites writes;
  private final RedisPurge purge;

  RedisUpdates(
      RedisClient client, RedisNamespace names, AcknowledgedWrites writes, RedisPurge purge) {
    this.client = client;
    this.names = names;
    this.writes = writes;
    this.purge = purge;
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
      purge.revoked(updated);
      try {
        purge.purge(updated.project(), updated.updatedAt());
      } catch (StoreUnavailableException e) {
        // housekeeping: the revoke itself is done, the next create or revoke purges
      }
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
}
