package dev.keygate.metrics;

import dev.keygate.authz.Surface;
import dev.keygate.error.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * keygate's meters in one Prometheus registry. Labels are closed sets only (surface, outcome,
 * reason, action, cause, component): never key ids, projects or anything a caller sends, so neither
 * key material nor unbounded cardinality can reach a label.
 *
 * <p>Decision meters are created up front (every surface × every reason), so a hot-path update is
 * an array lookup and a dashboard sees zeros rather than missing series.
 */
public final class KeygateMetrics {
  static final String ALLOWED = "allowed";
  static final String DENIED = "denied";

  /** The reason label of allowed calls. */
  static final String NO_REASON = "none";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Surface, Counter> allowed = new EnumMap<>(Surface.class);
  private final Map<Surface, Map<Reason, Counter>> denied = new EnumMap<>(Surface.class);
  private final Map<Surface, Timer> latency = new EnumMap<>(Surface.class);
  private final Map<String, Counter> adminActions = new ConcurrentHashMap<>();
  private final List<Object> held = new CopyOnWriteArrayList<>();

  public KeygateMetrics() {
    for (Surface surface : Surface.values()) {
      allowed.put(surface, decisions(surface, ALLOWED, NO_REASON));
      Map<Reason, Counter> bySurface = new EnumMap<>(Reason.class);
      for (Reason reason : Reason.values()) {
        bySurface.put(reason, decisions(surface, DENIED, reason.name()));
      }
      denied.put(surface, bySurface);
      latency.put(
          surface,
          Timer.builder("keygate.decision.duration")
              .description("Time to decide a call (parse, lookup, digest, scopes, rate limit)")
              .tag("surface", surface.label())
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(10_000))
              .maximumExpectedValue(Duration.ofSeconds(2))
              .register(registry));
    }
  }

  private Counter decisions(Surface surface, String outcome, String reason) {
    return Counter.builder("keygate.decisions")
        .description("Decisions by surface, outcome and reason")
        .tag("surface", surface.label())
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  /** Counts an allowed call; {@code nanos} 0 = not timed. */
  public void allowed(Surface surface, long nanos) {
    allowed.get(surface).increment();
    time(surface, nanos);
  }

  /** Counts a refused call; {@code nanos} 0 = not timed. */
  public void denied(Surface surface, Reason reason, long nanos) {
    denied.get(surface).get(reason).increment();
    time(surface, nanos);
  }

  private void time(Surface surface, long nanos) {
    if (nanos > 0) {
      latency.get(surface).record(Duration.ofNanos(nanos));
    }
  }

  /**
   * Counts a KeyAdmin write: {@code action} create/update/rotate/revoke, outcome ok or a reason.
   */
  public void adminAction(String action, String outcome) {
    adminActions
        .computeIfAbsent(
            action + "\n" + outcome,
            k ->
                Counter.builder("keygate.admin.actions")
                    .description(
                        "KeyAdmin writes by action and outcome (ok or the failure's reason)")
                    .tag("action", action)
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
  }

  /** A monotonically growing count kept elsewhere (a LongAdder), read at scrape time. */
  public void counter(String name, String description, LongSupplier count, String... tags) {
    // Micrometer holds the supplier weakly; these lambdas have no other holder, so keep them
    // here or they are collected and the meter reports NaN
    held.add(count);
    FunctionCounter.builder(name, count, c -> c.getAsLong())
        .description(description)
        .tags(tags)
        .register(registry);
  }

  /** A value read at scrape time. */
  public void gauge(String name, String description, DoubleSupplier value, String... tags) {
    Gauge.builder(name, value, DoubleSupplier::getAsDouble)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /** Everything in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry, for binders and tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
