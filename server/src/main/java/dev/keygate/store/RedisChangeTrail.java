package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.RedisAuditLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of key changes, appended by the change's own script: a key's record shares its
 * project's Cluster slot (the key id carries it, {@code KeyFormat#newKeyId(String)}), and so does
 * the project's trail, so no crash keeps a change without its event or an event without its change.
 *
 * <p>What one script cannot reach is appended after it, best effort (a failure is logged and
 * counted in the audit log's errors, the change stands): on a Cluster the all-projects feed ({@link
 * AuditLog#ALL}, its own slot), and the event of a key whose id does not carry its project's slot
 * (keys created before ids did, or imported with their own ids).
 */
final class RedisChangeTrail {
  private static final Logger log = LoggerFactory.getLogger(RedisChangeTrail.class);

  private final RedisClient client;
  private final LongAdder written = new LongAdder();
  private volatile RedisAuditLog trail;

  RedisChangeTrail(RedisClient client, RedisAuditLog trail) {
    this.client = client;
    this.trail = trail;
  }

  /** The log the events go to (its namespace and bound); set once, at startup. */
  void use(RedisAuditLog log) {
    this.trail = log;
  }

  RedisAuditLog log() {
    return trail;
  }

  /** The streams a script appends {@code project}'s event to: its trail, and the feed if it may. */
  List<String> keys(String project) {
    RedisAuditLog t = trail;
    return client.isCluster()
        ? List.of(t.streamKey(project))
        : List.of(t.streamKey(project), t.streamKey(AuditLog.ALL));
  }

  /** The script's arguments for the event: the trail bound, the field count, the fields. */
  List<String> args(Optional<AuditEvent> event) {
    List<String> fields = event.map(RedisAuditLog::entryFields).orElse(List.of());
    List<String> args = new ArrayList<>(fields.size() + 2);
    args.add(Integer.toString(trail.maxEvents()));
    args.add(Integer.toString(fields.size()));
    args.addAll(fields);
    return args;
  }

  /** Events written with their changes since start (a metric). */
  long written() {
    return written.sum();
  }

  /** After a script that appended {@code event}: the feed, where the script could not reach it. */
  void afterScript(Optional<AuditEvent> event) {
    event.ifPresent(e -> written.increment());
    if (client.isCluster() && event.isPresent() && event.get().broadcast()) {
      bestEffort(() -> trail.appendTo(AuditLog.ALL, event.get()), event.get());
    }
  }

  /** After a change whose script could not append {@code event}: the trail and the feed. */
  void appendAfter(Optional<AuditEvent> event) {
    event.ifPresent(
        e -> {
          if (bestEffort(() -> trail.append(e), e)) {
            written.increment();
          }
        });
  }

  /** True if {@code append} succeeded; a failure is logged (the log counts its errors). */
  private static boolean bestEffort(Runnable append, AuditEvent e) {
    try {
      append.run();
      return true;
    } catch (StoreUnavailableException ex) {
      log.warn(
          "audit event appended to its key's trail only, or lost: {} of key '{}' in project '{}'"
              + " by {}: {}",
          e.action(),
          e.keyId(),
          e.project(),
          e.actor(),
          ex.getMessage());
      return false;
    }
  }
}
