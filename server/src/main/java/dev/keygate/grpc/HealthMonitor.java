package dev.keygate.grpc;

import dev.keygate.store.KeyStore;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@code grpc.health.v1}: NOT_SERVING until the key store answers, NOT_SERVING again while
 * it does not, and NOT_SERVING for good once shutdown begins, so load balancers and kubelet stop
 * sending traffic before the server stops. The {@value #LIVENESS} entry only says the process is up
 * and serving gRPC: a liveness probe must not restart keygate because Redis is down.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  /** Health service name that is SERVING while the process runs, whatever the store does. */
  public static final String LIVENESS = "liveness";

  private final KeyStore store;
  private final HealthStatusManager health;
  private final List<String> services;
  private final ScheduledExecutorService poller;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Boolean lastServing;
  private final Map<String, BooleanSupplier> informational = new ConcurrentHashMap<>();

  /**
   * @param services the service names reported besides the server-wide "" entry
   */
  public HealthMonitor(KeyStore store, HealthStatusManager health, List<String> services) {
    this.store = store;
    this.health = health;
    this.services = services;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keygate-health");
              t.setDaemon(true);
              return t;
            });
    set(ServingStatus.NOT_SERVING);
    health.setStatus(LIVENESS, ServingStatus.SERVING);
  }

  /** Starts polling the store every {@code interval}. */
  public void start(Duration interval) {
    poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Reports {@code service} SERVING while {@code serving} says so, updated with every poll: an
   * entry for operators and dashboards (the circuit breaker), which readiness does not follow.
   */
  public void watch(String service, BooleanSupplier serving) {
    informational.put(service, serving);
    health.setStatus(
        service, serving.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Checks the store once and updates the status. */
  public void poll() {
    if (closed.get()) {
      return;
    }
    informational.forEach(
        (service, serving) ->
            health.setStatus(
                service,
                serving.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
    boolean serving = store.ping();
    if (!Boolean.valueOf(serving).equals(lastServing)) {
      if (serving) {
        log.info("key store reachable: SERVING");
      } else {
        log.warn("key store unreachable: NOT_SERVING");
      }
    }
    lastServing = serving;
    set(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Reports NOT_SERVING from now on, whatever the store does. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      poller.shutdownNow();
      health.enterTerminalState();
    }
  }

  private void set(ServingStatus status) {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    services.forEach(s -> health.setStatus(s, status));
  }
}
