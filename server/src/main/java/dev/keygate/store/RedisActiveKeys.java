package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import redis.clients.jedis.resps.Tuple;

/**
 * A project's active-key count without a set of its active keys: every key in the project's index
 * ({@code ns:proj:{<project>}:keys}), less the revoked ones ({@code :revoked}), less those whose
 * expiry passed ({@code :expiring}, id -> expiry, only keys with an expiry); see {@code
 * lib/active.lua}. Keys without an expiry, most of them, cost nothing beyond the index. Here:
 * reviving an expired key against the maximum, and reconciling the two sets with the records when a
 * change made in two steps (a key outside its project's slot) left them stale, which also migrates
 * a project from the layout with an active set of every key.
 */
final class RedisActiveKeys {
  private static final LuaScript REVIVE = LuaScript.resource("revive", "lib/active");

  /** Index members read per round trip when reconciling. */
  static final int BATCH = 500;

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
    if (active == -2) {
      reconcile(project, now);
      active = revive(project, id, expiresAt, maxActiveKeys, now);
      if (active == -2) {
        throw relayout(project);
      }
    }
    if (active >= 0 && reconcile(project, now)) {
      // the sets were stale (a replace interrupted between its steps): ask again
      active = revive(project, id, expiresAt, maxActiveKeys, now);
    }
    return active < 0 ? OptionalLong.empty() : OptionalLong.of(active);
  }

  /**
   * A project whose older layout came back right after its migration: a sidecar not yet upgraded is
   * writing it (docs/redis.md, upgrading). Retrying is safe.
   */
  static StoreUnavailableException relayout(String project) {
    return new StoreUnavailableException(
        "project " + project + " was written in the older layout again during its migration", null);
  }

  private long revive(String project, String id, Instant expiresAt, int max, Instant now) {
    List<String> keys =
        List.of(
            names.projectKeys(project),
            names.projectRevoked(project),
            names.projectExpiring(project),
            names.legacyActive(project));
    List<String> args =
        List.of(
            Long.toString(now.toEpochMilli()),
            id,
            Integer.toString(max),
            expiresAt == null ? "+inf" : Long.toString(expiresAt.toEpochMilli()));
    return (Long) client.run(r -> REVIVE.eval(r, keys, args));
  }

  /**
   * Makes the project's revoked index and expiring set agree with the records of its index: a
   * revoked key is in the revoked index (keys revoked before it existed included), a live key with
   * an expiry is in the expiring set with that expiry, index entries without a record leave the
   * index; pending reservations are kept as they are. Drops the project's active set of the older
   * layout. Reads every record of the project: it runs when a create finds the project full or the
   * layout old, not on every create.
   *
   * @return true if anything changed
   */
  boolean reconcile(String project, Instant now) {
    String index = names.projectKeys(project);
    Map<String, String> pending = client.run(r -> r.hgetAll(names.projectPending(project)));
    Map<String, Double> storedExpiring = scores(names.projectExpiring(project));
    Map<String, Double> expiring = new HashMap<>();
    Map<String, Double> revoked = new HashMap<>();
    boolean changed = false;
    String after = "-";
    while (true) {
      String from = after;
      List<String> positions = client.run(r -> r.zrangeByLex(index, from, "+", 0, BATCH));
      if (positions.isEmpty()) {
        break;
      }
      Map<String, Optional<ApiKeyRecord>> found =
          reads.findAll(positions.stream().map(RedisActiveKeys::idOf).toList());
      for (String position : positions) {
        String id = idOf(position);
        Optional<ApiKeyRecord> key = found.get(id);
        if (pending.containsKey(id)) {
          if (storedExpiring.containsKey(id)) {
            expiring.put(id, storedExpiring.get(id));
          }
        } else if (key.isEmpty() || !key.get().project().equals(project)) {
          client.run(r -> r.zrem(index, position));
          changed = true;
        } else if (key.get().isRevoked()) {
          revoked.put(position, (double) key.get().revokedAt().toEpochMilli());
        } else if (key.get().expiresAt() != null) {
          expiring.put(id, (double) key.get().expiresAt().toEpochMilli());
        }
      }
      if (positions.size() < BATCH) {
        break;
      }
      after = "(" + positions.get(positions.size() - 1);
    }
    changed |= agree(names.projectExpiring(project), storedExpiring, expiring);
    changed |= agree(names.projectRevoked(project), scores(names.projectRevoked(project)), revoked);
    changed |= client.run(r -> r.del(names.legacyActive(project))) > 0;
    return changed;
  }

  /** Makes sorted set {@code key} (now {@code stored}) hold exactly {@code wanted}. */
  private boolean agree(String key, Map<String, Double> stored, Map<String, Double> wanted) {
    boolean changed = false;
    for (String member : stored.keySet()) {
      if (!wanted.containsKey(member)) {
        client.run(r -> r.zrem(key, member));
        changed = true;
      }
    }
    for (Map.Entry<String, Double> e : wanted.entrySet()) {
      if (!e.getValue().equals(stored.get(e.getKey()))) {
        client.run(r -> r.zadd(key, e.getValue(), e.getKey()));
        changed = true;
      }
    }
    return changed;
  }

  private Map<String, Double> scores(String key) {
    Map<String, Double> scores = new HashMap<>();
    for (Tuple t : client.run(r -> r.zrangeWithScores(key, 0, -1))) {
      scores.put(t.getElement(), t.getScore());
    }
    return scores;
  }

  private static String idOf(String position) {
    return position.substring(position.indexOf(':') + 1);
  }
}
