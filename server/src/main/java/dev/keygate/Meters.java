package dev.keygate;

import dev.keygate.audit.AuditLog;
import dev.keygate.audit.AuditTrail;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.grpc.OnWorkers;
import dev.keygate.metrics.KeygateMetrics;
import dev.keygate.store.BatchingKeyReader;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.KeyStore;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.Stores;
import dev.keygate.usage.UsageRecorder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.Locale;

/**
 * The meters of an assembled keygate, read from the parts' own counters at scrape time (nothing is
 * added to hot paths).
 */
final class Meters {
  private Meters() {}

  /** Binds every meter. */
  static void bind(
      KeygateMetrics metrics,
      KeyStore store,
      AuditLog auditLog,
      AuditTrail trail,
      UsageRecorder usage,
      OnWorkers admin) {
    if (store instanceof CachingKeyStore cache) {
      metrics.counter(
          "keygate.cache.requests",
          "Verified-key cache lookups by result",
          () -> cache.stats().hitCount(),
          "result",
          "hit");
      metrics.counter(
          "keygate.cache.requests",
          "Verified-key cache lookups by result",
          () -> cache.stats().missCount(),
          "result",
          "miss");
      metrics.counter(
          "keygate.cache.evictions",
          "Cache entries evicted (size or staleness)",
          () -> cache.stats().evictionCount());
      metrics.counter(
          "keygate.cache.invalidations",
          "Invalidation messages handled",
          cache::invalidationsReceived);
      metrics.gauge(
          "keygate.cache.hit.ratio",
          "Cache hits / lookups since start (rate() of keygate_cache_requests_total for a window)",
          () -> cache.stats().hitRate());
      metrics.gauge("keygate.cache.size", "Records and negative entries cached", cache::size);
      metrics.gauge(
          "keygate.cache.live",
          "1 while invalidations are received and the cache is used, else 0",
          () -> cache.isLive() ? 1 : 0);
    }
    if (Stores.backing(store) instanceof RedisKeyStore redis) {
      metrics.counter(
          "keygate.redis.errors",
          "Failed Redis calls (unreachable, timeout, error)",
          redis::errors,
          "component",
          "store");
      bindBounds(metrics, redis);
    }
    if (auditLog instanceof RedisAuditLog redisAudit) {
      metrics.counter(
          "keygate.redis.errors",
          "Failed Redis calls (unreachable, timeout, error)",
          redisAudit::errors,
          "component",
          "audit");
    }
    metrics.counter(
        "keygate.usage.flush.failures",
        "Usage flushes that failed (counts kept for the next)",
        usage::flushFailures);
    metrics.counter(
        "keygate.usage.flush.uncertain",
        "Usage deltas of interrupted flushes that may not have been counted (never sent twice)",
        usage::uncertainDeltas);
    metrics.counter(
        "keygate.audit.events.written",
        "Audit events appended (changes' events, written with them, and sampled refusals)",
        () -> trail.written() + store.changeEventsWritten());
    String dropped = "Audit events not written, by cause";
    metrics.counter(
        "keygate.audit.events.dropped",
        dropped,
        trail::droppedRateLimited,
        "cause",
        "rate_limited");
    metrics.counter(
        "keygate.audit.events.dropped", dropped, trail::droppedQueueFull, "cause", "queue_full");
    metrics.counter(
        "keygate.audit.events.dropped", dropped, trail::appendFailures, "cause", "append_failed");
    metrics.counter(
        "keygate.admin.calls.rejected",
        "KeyAdmin calls refused at once because the most allowed were in progress",
        admin::rejected);
  }

  /** The circuit breaker and the bulkheads between callers and Redis. */
  private static void bindBounds(KeygateMetrics metrics, RedisKeyStore redis) {
    CircuitBreaker breaker = redis.circuit().breaker();
    String state = "Circuit breaker around Redis: 1 for the state it is in, else 0";
    for (CircuitBreaker.State s :
        List.of(
            CircuitBreaker.State.CLOSED,
            CircuitBreaker.State.OPEN,
            CircuitBreaker.State.HALF_OPEN)) {
      metrics.gauge(
          "keygate.redis.breaker.state",
          state,
          () -> breaker.getState() == s ? 1 : 0,
          "state",
          s.name().toLowerCase(Locale.ROOT));
    }
    metrics.counter(
        "keygate.redis.breaker.rejected",
        "Redis calls refused at once because the circuit breaker was open",
        redis.circuit()::rejected);
    BatchingKeyReader reader = redis.reader();
    String rejected =
        "Decision-path Redis calls refused or dropped before they were sent, by cause";
    metrics.counter(
        "keygate.redis.calls.rejected",
        rejected,
        reader::rejectedFull,
        "cause",
        "reads_bulkhead_full");
    metrics.counter(
        "keygate.redis.calls.rejected",
        rejected,
        reader::droppedExpired,
        "cause",
        "read_deadline_passed");
    metrics.counter(
        "keygate.redis.calls.rejected",
        rejected,
        redis::limitCallsRejected,
        "cause",
        "limits_bulkhead_full");
    metrics.gauge(
        "keygate.redis.reads.outstanding",
        "Key reads queued or in flight to Redis (bounded by KEYGATE_REDIS_MAX_PENDING_READS)",
        reader::outstanding);
  }
}
