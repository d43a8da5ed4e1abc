package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deletes keys revoked longer ago than {@code KEYGATE_REDIS_REVOKED_RETENTION}, so that a project's
 * index (what ListKeys walks) and Redis memory stop growing with churn. Revoked keys are indexed by
 * revocation time in {@code ns:proj:{<project>}:revoked}; each create and each revoke in a project
 * purges at most {@value #MAX_PER_CALL} of its expired ones (churn is creates and revokes, so
 * purging keeps pace with it without a background job). A purged key then answers KEY_UNKNOWN
 * instead of KEY_REVOKED. Keys revoked before this index existed are added to it when their project
 * is migrated ({@link RedisActiveKeys#reconcile}).
 */
final class RedisPurge {
  /** Purged per create or revoke at most: bounds the work one admin call does. */
  static final int MAX_PER_CALL = 100;

  private static final LuaScript PURGE = LuaScript.resource("purge");

  private final RedisClient client;
  private final RedisNamespace names;
  private final Duration retention;

  RedisPurge(RedisClient client, RedisNamespace names, Duration retention) {
    this.client = client;
    this.names = names;
    this.retention = retention;
  }

  /** Indexes a revoked key for its purge (project's slot), by its index position. */
  void revoked(ApiKeyRecord key) {
    client.run(
        r ->
            r.zadd(
                names.projectRevoked(key.project()),
                key.revokedAt().toEpochMilli(),
                PageTokens.position(key)));
  }

  /**
   * Purges up to {@value #MAX_PER_CALL} of the project's keys revoked at or before {@code now}
   * minus the retention: the record (key's slot, with its invalidation), then its index entries
   * (project's slot). A crash in between leaves index entries without a record, which listing skips
   * and the next purge removes.
   *
   * @return how many records were deleted
   */
  int purge(String project, Instant now) {
    long cutoff = now.minus(retention).toEpochMilli();
    String revokedKey = names.projectRevoked(project);
    List<String> due =
        client.run(
            r -> r.zrangeByScore(revokedKey, "-inf", Long.toString(cutoff), 0, MAX_PER_CALL));
    int purged = 0;
    for (String position : due) {
      String id = position.substring(position.indexOf(':') + 1);
      List<String> args = List.of(Long.toString(cutoff), names.invalidationChannel(), id);
      long result = (Long) client.run(r -> PURGE.eval(r, List.of(names.record(id)), args));
      if (result < 0) {
        continue; // not revoked long enough (a clock that went back): a later purge takes it
      }
      client.run(
          r -> {
            r.zrem(names.projectKeys(project), position);
            r.zrem(names.projectExpiring(project), id);
            return r.zrem(revokedKey, position);
          });
      purged += (int) result;
    }
    return purged;
  }
}
