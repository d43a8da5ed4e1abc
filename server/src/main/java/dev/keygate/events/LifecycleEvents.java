package dev.keygate.events;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the events keygate emits by itself, each exactly once across all sidecars, into the audit
 * trail (which WatchEvents tails and webhooks deliver from):
 *
 * <ul>
 *   <li>{@code key.expiring} and {@code key.expired}: scheduled in {@link DueEvents} when a key is
 *       stored with an expiry ({@link #keyStored}); one background thread per sidecar claims the
 *       due ones every tick. A claimed event whose key was revoked, deleted or given another expiry
 *       since is dropped. A sidecar that dies after claiming leaves its claim to expire; another
 *       sidecar then claims it again, and the audit log's once-marker turns a second append into a
 *       no-op.
 *   <li>{@code credits.low} and {@code credits.exhausted}: reported by the decision path through
 *       {@link #creditsSpent}, which costs arithmetic and one in-memory look-up; only a threshold
 *       crossing this sidecar has not reported yet is queued (bounded) for the background thread,
 *       whose once-marker in Redis settles which sidecar's report counts.
 * </ul>
 */
public final class LifecycleEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LifecycleEvents.class);

  /** Due events claimed per round. */
  static final int CLAIM_BATCH = 100;

  /** Credit crossings waiting for the background thread; one more is dropped (and retried). */
  static final int QUEUE_CAPACITY = 1024;

  /** Credit crossings this sidecar remembers having reported. */
  static final int SEEN_CAPACITY = 100_000;

  private final DueEvents due;
  private final AuditLog auditLog;
  private final KeyStore store;
  private final Clock clock;
  private final EventSettings settings;
  private final BlockingQueue<Crossing> crossings = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Cache<Reported, Boolean> reported =
      Caffeine.newBuilder().maximumSize(SEEN_CAPACITY).build();
  private final LongAdder emitted = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private final LongAdder rounds = new LongAdder();
  private final Thread worker;
  private volatile boolean closed;

  /** A crossing as this sidecar remembers it: compared field by field, no string built. */
  private record Reported(String action, String keyId, long granted, String period) {
    String onceKey() {
      return String.join("|", action, keyId, Long.toString(granted), period);
    }
  }

  private record Crossing(Reported reported, String project) {}

  /**
   * @param store the authoritative store (not a cache): a claimed event is checked against the key
   *     as it is now
   */
  public LifecycleEvents(
      DueEvents due, AuditLog auditLog, KeyStore store, Clock clock, EventSettings settings) {
    this.due = due;
    this.auditLog = auditLog;
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.worker = new Thread(this::run, "keygate-lifecycle");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Schedules the expiry events of a key just created or changed. Never throws: a failure is logged
   * and counted, and the key's expiry events are then missing (a later update schedules them
   * again).
   */
  public void keyStored(ApiKeyRecord key) {
    if (key.expiresAt() != null && !key.isRevoked()) {
      keyStored(key.id(), key.expiresAt());
    }
  }

  /** As {@link #keyStored(ApiKeyRecord)}, for a key id and its (new) expiry. */
  public void keyStored(String keyId, Instant expiresAt) {
    long exp = expiresAt.toEpochMilli();
    long lead = settings.expiringLead().toMillis();
    try {
      due.schedule(
          String.join("|", AuditEvent.KEY_EXPIRING, keyId, Long.toString(exp), Long.toString(lead)),
          expiresAt.minus(settings.expiringLead()));
      due.schedule(String.join("|", AuditEvent.KEY_EXPIRED, keyId, Long.toString(exp)), expiresAt);
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("expiry events of key '{}' not scheduled: {}", keyId, e.getMessage());
    }
  }

  /**
   * Reports a key's credits after a spend; cheap and non-blocking. Raises {@code credits.exhausted}
   * when none remain and {@code credits.low} when at most the configured share of {@code granted}
   * remains, once per key, grant and {@code period}.
   *
   * @param period names the refill period the credits belong to (e.g. its start); "" when credits
   *     are never refilled
   */
  public void creditsSpent(ApiKeyRecord key, long remaining, long granted, String period) {
    creditsSpent(key, remaining, granted, () -> period);
  }

  /**
   * As {@link #creditsSpent(ApiKeyRecord, long, long, String)}, naming the period only for a
   * balance below the threshold: every metered decision reports, and most are above it.
   */
  public void creditsSpent(
      ApiKeyRecord key, long remaining, long granted, Supplier<String> periodOf) {
    if (granted <= 0) {
      return;
    }
    String action;
    if (remaining <= 0) {
      action = AuditEvent.CREDITS_EXHAUSTED;
    } else if (remaining * 100 <= granted * settings.creditsLowPercent()) {
      action = AuditEvent.CREDITS_LOW;
    } else {
      return;
    }
    Reported crossing = new Reported(action, key.id(), granted, periodOf.get());
    // a plain read first: after the first report, every spend of the period ends here
    if (reported.getIfPresent(crossing) != null
        || reported.asMap().putIfAbsent(crossing, Boolean.TRUE) != null) {
      return;
    }
    if (closed || !crossings.offer(new Crossing(crossing, key.project()))) {
      // forget it, so the next spend reports it again
      reported.invalidate(crossing);
      droppedQueueFull.increment();
    }
  }

  /** As {@link #creditsSpent(ApiKeyRecord, long, long, String)} for credits never refilled. */
  public void creditsSpent(ApiKeyRecord key, long remaining, long granted) {
    creditsSpent(key, remaining, granted, "");
  }

  /** Events this sidecar appended to the audit trail. */
  public long emitted() {
    return emitted.sum();
  }

  /** Scheduling, claiming or appending failures (the event is retried or, if noted, lost). */
  public long failures() {
    return failures.sum();
  }

  /** Claiming rounds this sidecar finished (tests wait on it). */
  public long rounds() {
    return rounds.sum();
  }

  /** Credit crossings not queued because the queue was full (reported again by the next spend). */
  public long droppedQueueFull() {
    return droppedQueueFull.sum();
  }

  /** Stops the background thread (claims it holds expire and are taken over). */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long tickNanos = settings.tick().toNanos();
    long nextTick = System.nanoTime();
    while (!closed) {
      try {
        long wait = Math.max(0, nextTick - System.nanoTime());
        for (Crossing c = crossings.poll(wait, TimeUnit.NANOSECONDS);
            c != null;
            c = crossings.poll()) {
          emit(c);
        }
        if (System.nanoTime() - nextTick >= 0) {
          nextTick = System.nanoTime() + tickNanos;
          emitDue();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        failures.increment();
        log.debug("lifecycle events: {}", e.getMessage());
      }
    }
  }

  private void emit(Crossing c) {
    try {
      Reported r = c.reported();
      append(r.onceKey(), r.action(), r.keyId(), c.project());
    } catch (RuntimeException e) {
      reported.invalidate(c.reported());
      throw e;
    }
  }

  /** One claiming round; a failure leaves the claims to expire and be claimed again. */
  void emitDue() {
    Instant now = clock.instant();
    List<String> claimed = due.claim(now, now.plus(settings.claimLease()), CLAIM_BATCH);
    for (String member : claimed) {
      String[] parts = member.split("\\|");
      Optional<ApiKeyRecord> key = parts.length >= 3 ? store.find(parts[1]) : Optional.empty();
      if (key.isPresent() && current(key.get(), parts[2])) {
        append(member, parts[0], key.get().id(), key.get().project());
      }
      due.done(member);
    }
    rounds.increment();
  }

  /** The key still has the expiry the event was scheduled for. */
  private static boolean current(ApiKeyRecord key, String expiresAtMillis) {
    return !key.isRevoked()
        && key.expiresAt() != null
        && Long.toString(key.expiresAt().toEpochMilli()).equals(expiresAtMillis);
  }

  private void append(String onceKey, String action, String keyId, String project) {
    AuditEvent event =
        new AuditEvent(
            "",
            clock.instant(),
            action,
            AuditEvent.OK,
            AuditEvent.KEYGATE_ACTOR,
            keyId,
            project,
            "",
            AuditEvent.LIFECYCLE_SURFACE,
            0);
    if (auditLog.appendOnce(onceKey, event)) {
      emitted.increment();
    }
  }
}
