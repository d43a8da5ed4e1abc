package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.key.ApiKeyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Changing existing records: replace (compare-and-set on the version, with its invalidation, its
 * project's indexes and its audit event), and confirming a record's durability when a change needed
 * no write.
 */
final class RedisUpdates {
  private static final LuaScript REPLACE = LuaScript.resource("replace", "lib/trail");

  private final RedisClient client;
  private final RedisNamespace names;
  private final AcknowledgedWrites writes;
  private final RedisPurge purge;
  private final RedisChangeTrail trail;

  RedisUpdates(
      RedisClient client,
      RedisNamespace names,
      AcknowledgedWrites writes,
      RedisPurge purge,
      RedisChangeTrail trail) {
    this.client = client;
    this.names = names;
    this.writes = writes;
    this.purge = purge;
    this.trail = trail;
  }

  /**
   * Writes the record (compare-and-set on the version, and the invalidation) and, in the same
   * script when the record shares its project's slot, the project's expiring set and revoked index
   * and the audit event. A key whose id does not carry its project's slot (on a Cluster: keys
   * created before ids did) gets them in a second step: a crash between leaves the project's count
   * stale for that key, which a create that finds the project full reconciles, and loses the event.
   */
  boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
    String project = updated.project();
    String record = names.record(updated.id());
    boolean oneScript = client.oneScript(record, names.projectKeys(project));
    List<String> keys = new ArrayList<>();
    keys.add(record);
    if (oneScript) {
      keys.add(names.projectExpiring(project));
      keys.add(names.projectRevoked(project));
      keys.addAll(trail.keys(project));
    }
    List<String> args = new ArrayList<>();
    args.add(Long.toString(expectedVersion));
    args.add(updated.id());
    args.add(names.invalidationChannel());
    args.add(oneScript ? "1" : "0");
    args.add(RedisRecordCodec.activeScore(updated));
    args.add(updated.isRevoked() ? Long.toString(updated.revokedAt().toEpochMilli()) : "");
    args.add(PageTokens.position(updated));
    args.addAll(trail.args(oneScript ? event : Optional.empty()));
    RedisRecordCodec.appendFields(args, updated);
    AcknowledgedWrites.Acked acked = writes.eval(REPLACE, keys, args);
    long result = (Long) ((List<?>) acked.reply()).get(0);
    if (result < 0) {
      throw new NoSuchElementException("no key " + updated.id());
    }
    if (result == 0) {
      return false;
    }
    if (oneScript) {
      trail.afterScript(event);
    } else {
      indexApart(updated);
      trail.appendAfter(event);
    }
    if (updated.isRevoked()) {
      try {
        purge.purge(project, updated.updatedAt());
      } catch (StoreUnavailableException e) {
        // housekeeping: the revoke itself is done, the next create or revoke purges
      }
    }
    // the change stands whatever the replicas say; a retry re-reads it and finds it made
    writes.requireAcknowledged(acked, updated.id());
    return true;
  }

  /** Step 2 for a record outside its project's slot; if this fails the set is stale for it. */
  private void indexApart(ApiKeyRecord updated) {
    String expiring = names.projectExpiring(updated.project());
    if (updated.isRevoked() || updated.expiresAt() == null) {
      client.run(r -> r.zrem(expiring, updated.id()));
    } else {
      client.run(r -> r.zadd(expiring, updated.expiresAt().toEpochMilli(), updated.id()));
    }
    if (updated.isRevoked()) {
      purge.revoked(updated);
    }
  }

  /** See {@link KeyStore#confirmDurable}. */
  void confirmDurable(String id) {
    writes.confirm(names.record(id), id);
  }
}
