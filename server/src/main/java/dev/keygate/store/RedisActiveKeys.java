package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A project's active-key count ({@code ns:proj:{<project>}:active}, id -> expiry): reviving an
 * expired key against the maximum, and reconciling the set with the records when a change made in
 * two steps (a key outside its project's slot) left it stale.
 */
final class RedisActiveKeys {
  private static final LuaScript REVIVE = LuaScript.resource("revive");

  private final RedisClient client;
  private final RedisNamespace names;
  private final RedisReads reads;

  RedisActiveKeys(RedisClient client, RedisNamespace names, RedisReads reads) {
    this.client = client;
    this.names = names;
    this.reads = reads;
  }

  /** See {@link KeyStore#reserveActive}: counts a revived key toward the project's maximum. */
  OptionalLong reserve(
      String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
    long active = revive(project, id, expiresAt, maxActiveKeys, now);
    if (active >= 0 && reconcile(project, now)) {
      // the active set was stale (a replace interrupted between its steps): ask again
      active = revive(project, id, expiresAt, maxActiveKeys, now);
    }
    return active < 0 ? OptionalLong.empty() : OptionalLong.of(active);
  }

  private long revive(String project, String id, Instant expiresAt, int max, Instant now) {
    List<String> args =
        List.of(
            Long.toString(now.toEpochMilli()),
            id,
            Integer.toString(max),
            expiresAt == null ? "+inf" : Long.toString(expiresAt.toEpochMilli()));
    return (Long) client.run(r -> REVIVE.eval(r, List.of(names.projectActive(project)), args));
  }

  /**
   * Makes the project's active set agree with the records of its members: revoked, missing and
   * expired keys leave it, changed expiries are corrected. Pending reservations are kept.
   *
   * @return true if anything changed
   */
  boolean reconcile(String project, Instant now) {
    String activeKey = names.projectActive(project);
    List<String> members = client.run(r -> r.zrange(activeKey, 0, -1));
    Map<String, String> pending = client.run(r -> r.hgetAll(names.projectPending(project)));
    boolean changed = false;
    for (String id : members) {
      if (pending.containsKey(id)) {
        continue;
      }
      Optional<ApiKeyRecord> key = reads.find(id);
      Double stored = client.run(r -> r.zscore(activeKey, id));
      if (key.isEmpty()
          || key.get().isRevoked()
          || !key.get().project().equals(project)
          || key.get().isExpiredAt(now)) {
        client.run(r -> r.zrem(activeKey, id));
        changed = true;
      } else {
        double score =
            key.get().expiresAt() == null
                ? Double.POSITIVE_INFINITY
                : key.get().expiresAt().toEpochMilli();
        if (stored == null || stored != score) {
          client.run(r -> r.zadd(activeKey, score, id));
          changed = true;
        }
      }
    }
    return changed;
  }
}
