package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creating keys, and keeping a project's active-key count right.
 *
 * <p>A key whose record shares its project's slot (every key keygate creates: the id carries the
 * slot) is created by one script, {@code create.lua}: checks, record, project indexes and audit
 * event in one atomic step. On a Cluster, a key with an id of its own (imported) lives in another
 * slot than its project's indexes, and no script touches two slots, so its create is two ordered
 * steps:
 *
 * <ol>
 *   <li>reserve in the project's slot (request id, active-key count, index entry and a {@code
 *       pending} entry, {@code reserve.lua});
 *   <li>write the record in the key's slot ({@code write_new.lua}, which also publishes the
 *       invalidation), then drop the pending entry. If the id turns out to be taken the reservation
 *       is released.
 * </ol>
 *
 * <p>A crash between the steps leaves a pending entry: every later create of the project first
 * <em>repairs</em> pending entries older than {@link #repairAfter()}: confirmed if the record
 * exists, released (index, active set and request id) if not. Until then the reservation counts as
 * an active key and an idempotent retry with the same request id gets DUPLICATE for an id with no
 * record. A replace interrupted between its steps leaves the active set stale for that key; a
 * create that finds the project full {@linkplain RedisActiveKeys#reconcile reconciles} it first.
 */
final class RedisCreates {
  /** How long a create request id stays reserved, in seconds. */
  static final long REQUEST_ID_TTL_SECONDS = 86_400;

  private static final LuaScript CREATE = LuaScript.resource("create", "lib/active", "lib/trail");
  private static final LuaScript RESERVE = LuaScript.resource("reserve", "lib/active");
  private static final LuaScript WRITE_NEW = LuaScript.resource("write_new");
  private static final LuaScript RELEASE = LuaScript.resource("release");

  private final RedisClient client;
  private final RedisNamespace names;
  private final AcknowledgedWrites writes;
  private final RedisPurge purge;
  private final RedisChangeTrail trail;
  private final RedisActiveKeys active;
  private final Duration repairAfter;

  RedisCreates(
      RedisClient client,
      RedisNamespace names,
      RedisActiveKeys active,
      AcknowledgedWrites writes,
      RedisPurge purge,
      RedisChangeTrail trail) {
    this.client = client;
    this.names = names;
    this.writes = writes;
    this.purge = purge;
    this.trail = trail;
    this.active = active;
    // longer than any create can take between its steps (every attempt timing out), so a repair
    // never releases a reservation whose record write is still on its way
    this.repairAfter = Duration.ofSeconds(30).plus(client.timeout().multipliedBy(4));
  }

  CreateOutcome create(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    repairPending(key.project(), now);
    purge.purge(key.project(), now);
    if (client.oneScript(names.record(key.id()), names.projectKeys(key.project()))) {
      return createInOneScript(key, requestId, maxActiveKeys, now, event);
    }
    List<?> reserved = reserve(key, requestId, maxActiveKeys, now);
    if (reserved.get(0).equals("MIGRATE")) {
      active.reconcile(key.project(), now);
      reserved = reserve(key, requestId, maxActiveKeys, now);
      if (reserved.get(0).equals("MIGRATE")) {
        throw RedisActiveKeys.relayout(key.project());
      }
    }
    String status = (String) reserved.get(0);
    if (status.equals("FULL") && active.reconcile(key.project(), now)) {
      // the active set was stale (a replace interrupted between its steps): ask again
      reserved = reserve(key, requestId, maxActiveKeys, now);
      status = (String) reserved.get(0);
    }
    switch (status) {
      case "DUPLICATE":
        return CreateOutcome.duplicate((String) reserved.get(1));
      case "FULL":
        return CreateOutcome.projectFull((Long) reserved.get(1));
      case "TAKEN":
        return CreateOutcome.idTaken();
      case "RESERVED":
        break;
      default:
        throw new IllegalStateException("unexpected create result " + status);
    }
    // if this throws, the reservation stays pending and a later create repairs it
    AcknowledgedWrites.Acked written = write(key);
    if ((Long) written.reply() != 1) {
      release(key.project(), key.id(), pendingValue(key, requestId, now));
      return CreateOutcome.idTaken();
    }
    client.run(r -> r.hdel(names.projectPending(key.project()), key.id()));
    trail.appendAfter(event);
    // the key exists now whatever the replicas say; a retry with the request id finds it
    writes.requireAcknowledged(written, key.id());
    return CreateOutcome.created(key.id());
  }

  private CreateOutcome createInOneScript(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    AcknowledgedWrites.Acked written = oneScript(key, requestId, maxActiveKeys, now, event);
    List<?> reply = (List<?>) written.reply();
    if (reply.get(0).equals("MIGRATE")) {
      // the project is still in the layout with an active set: its indexes are rebuilt once
      active.reconcile(key.project(), now);
      written = oneScript(key, requestId, maxActiveKeys, now, event);
      reply = (List<?>) written.reply();
      if (reply.get(0).equals("MIGRATE")) {
        throw RedisActiveKeys.relayout(key.project());
      }
    }
    if (reply.get(0).equals("FULL") && active.reconcile(key.project(), now)) {
      // the active set was stale (a replace of a key outside the slot, interrupted): ask again
      written = oneScript(key, requestId, maxActiveKeys, now, event);
      reply = (List<?>) written.reply();
    }
    String status = (String) reply.get(0);
    return switch (status) {
      case "DUPLICATE" -> CreateOutcome.duplicate((String) reply.get(1));
      case "FULL" -> CreateOutcome.projectFull((Long) reply.get(1));
      case "TAKEN" -> CreateOutcome.idTaken();
      case "CREATED" -> {
        trail.afterScript(event);
        // the key exists now whatever the replicas say; a retry with the request id finds it
        writes.requireAcknowledged(written, key.id());
        yield CreateOutcome.created(key.id());
      }
      default -> throw new IllegalStateException("unexpected create result " + status);
    };
  }

  private AcknowledgedWrites.Acked oneScript(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    boolean idempotent = requestId != null && !requestId.isEmpty();
    List<String> keys = new ArrayList<>();
    keys.add(names.record(key.id()));
    keys.add(names.projectKeys(key.project()));
    keys.add(names.projectRevoked(key.project()));
    keys.add(names.projectExpiring(key.project()));
    keys.add(names.legacyActive(key.project()));
    keys.add(names.request(key.project(), idempotent ? requestId : ""));
    keys.addAll(trail.keys(key.project()));
    List<String> args = new ArrayList<>();
    args.add(idempotent ? "1" : "0");
    args.add(Integer.toString(maxActiveKeys));
    args.add(Long.toString(now.toEpochMilli()));
    args.add(PageTokens.position(key));
    args.add(key.id());
    args.add(expiry(key));
    args.add(Long.toString(REQUEST_ID_TTL_SECONDS));
    args.add(names.invalidationChannel());
    args.addAll(trail.args(event));
    RedisRecordCodec.appendFields(args, key);
    return writes.eval(CREATE, keys, args);
  }

  /** Step 1 of create: checks and reservation in the project's slot. */
  List<?> reserve(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    boolean idempotent = requestId != null && !requestId.isEmpty();
    List<String> keys =
        List.of(
            names.projectKeys(key.project()),
            names.projectRevoked(key.project()),
            names.projectExpiring(key.project()),
            names.legacyActive(key.project()),
            names.request(key.project(), idempotent ? requestId : ""),
            names.projectPending(key.project()));
    List<String> args =
        List.of(
            idempotent ? "1" : "0",
            Integer.toString(maxActiveKeys),
            Long.toString(now.toEpochMilli()),
            PageTokens.position(key),
            key.id(),
            expiry(key),
            Long.toString(REQUEST_ID_TTL_SECONDS),
            pendingValue(key, requestId, now));
    return (List<?>) client.run(r -> RESERVE.eval(r, keys, args));
  }

  /** Step 2 of create: the record and its invalidation, in the key's slot. */
  boolean writeNew(ApiKeyRecord key) {
    return (Long) write(key).reply() == 1;
  }

  private AcknowledgedWrites.Acked write(ApiKeyRecord key) {
    List<String> args = new ArrayList<>();
    args.add(names.invalidationChannel());
    args.add(key.id());
    RedisRecordCodec.appendFields(args, key);
    return writes.eval(WRITE_NEW, List.of(names.record(key.id())), args);
  }

  /** A new key's entry in the expiring set: its expiry millis, "" for none. */
  private static String expiry(ApiKeyRecord key) {
    return key.expiresAt() == null ? "" : Long.toString(key.expiresAt().toEpochMilli());
  }

  private static String pendingValue(ApiKeyRecord key, String requestId, Instant now) {
    // request ids are validated upstream to exclude spaces; position holds none either
    return now.toEpochMilli()
        + " "
        + PageTokens.position(key)
        + " "
        + (requestId == null ? "" : requestId);
  }

  private boolean release(String project, String id, String pending) {
    String[] parts = pending.split(" ", 3);
    String requestId = parts.length > 2 ? parts[2] : "";
    List<String> keys =
        List.of(
            names.projectKeys(project),
            names.projectExpiring(project),
            names.request(project, requestId),
            names.projectPending(project));
    return (Long) client.run(r -> RELEASE.eval(r, keys, List.of(id, parts[1], pending))) == 1;
  }

  /** How old a pending reservation must be before a create repairs it. */
  Duration repairAfter() {
    return repairAfter;
  }

  /**
   * Settles creates that reserved but never confirmed (a crash or timeout between the steps):
   * confirmed when the record exists, released otherwise. Only reservations older than {@link
   * #repairAfter()} are touched, so a create still in flight is left alone.
   *
   * @return how many reservations were settled
   */
  int repairPending(String project, Instant now) {
    Map<String, String> pending = client.run(r -> r.hgetAll(names.projectPending(project)));
    int settled = 0;
    long cutoff = now.minus(repairAfter).toEpochMilli();
    for (Map.Entry<String, String> e : pending.entrySet()) {
      long reservedAt;
      try {
        reservedAt = Long.parseLong(e.getValue().split(" ", 2)[0]);
      } catch (NumberFormatException ex) {
        reservedAt = Long.MIN_VALUE; // not ours: settle it
      }
      if (reservedAt > cutoff) {
        continue;
      }
      String id = e.getKey();
      boolean exists = client.run(r -> r.exists(names.record(id)));
      if (exists) {
        client.run(r -> r.hdel(names.projectPending(project), id));
      } else if (e.getValue().split(" ", 3).length >= 2) {
        release(project, id, e.getValue());
      } else {
        client.run(r -> r.hdel(names.projectPending(project), id));
      }
      settled++;
    }
    return settled;
  }
}
