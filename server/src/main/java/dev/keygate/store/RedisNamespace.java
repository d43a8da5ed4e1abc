package dev.keygate.store;

import java.util.regex.Pattern;

/**
 * The prefix of every Redis key keygate writes ({@code KEYGATE_REDIS_NAMESPACE}) and the names
 * built from it. The one rule for a namespace lives here: the settings and the store both check it.
 *
 * <p>Hash tags ({@code {...}}) put a key's record in the key's Cluster slot and a project's indexes
 * in the project's slot.
 */
record RedisNamespace(String prefix) {
  static final String DEFAULT = "kg";

  // no braces (they would break the hash tags) and no spaces or other oddities that make keys
  // hard to inspect; no colon either, which separates the namespace from the rest of a name
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

  /** The rule, for error messages. */
  static final String RULE_TEXT = "1-32 characters of [A-Za-z0-9_.-]";

  RedisNamespace {
    if (prefix == null || !RULE.matcher(prefix).matches()) {
      throw new IllegalArgumentException("namespace must be " + RULE_TEXT);
    }
  }

  /** {@code namespace}, or {@value #DEFAULT} when it is null or empty. */
  static RedisNamespace of(String namespace) {
    return new RedisNamespace(namespace == null || namespace.isEmpty() ? DEFAULT : namespace);
  }

  static boolean isValid(String namespace) {
    return namespace != null && RULE.matcher(namespace).matches();
  }

  /** HASH, one API key. */
  String record(String id) {
    return prefix + ":key:{" + id + "}";
  }

  /** ZSET of a project's key positions, all scored 0 so ZRANGEBYLEX walks creation order. */
  String projectKeys(String project) {
    return prefix + ":proj:{" + project + "}:keys";
  }

  /**
   * ZSET id → expiry millis of a project's keys that have an expiry and are not revoked. With the
   * index and the revoked index it gives the project's active keys without a set of them: indexed,
   * less revoked, less expired ({@code lib/active.lua}).
   */
  String projectExpiring(String project) {
    return prefix + ":proj:{" + project + "}:expiring";
  }

  /**
   * ZSET id → expiry of every key not revoked, in the layout before {@link #projectExpiring}: a
   * project that still has one is migrated on its next create or revival ({@link
   * RedisActiveKeys#reconcile}).
   */
  String legacyActive(String project) {
    return prefix + ":proj:{" + project + "}:active";
  }

  /** STRING key id, for an idempotent create. */
  String request(String project, String requestId) {
    return prefix + ":proj:{" + project + "}:req:" + requestId;
  }

  /** HASH id → reservation, the creates whose record write is not confirmed yet. */
  String projectPending(String project) {
    return prefix + ":proj:{" + project + "}:pending";
  }

  /** ZSET index position → revocation millis of a project's revoked keys, for their purge. */
  String projectRevoked(String project) {
    return prefix + ":proj:{" + project + "}:revoked";
  }

  /** The pub/sub channel every write of a record publishes the key's id on. */
  String invalidationChannel() {
    return prefix + ":invalidate";
  }
}
