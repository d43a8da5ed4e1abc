package dev.keygate;

import dev.keygate.admin.AdminAuthenticator;
import dev.keygate.admin.KeyImport;
import dev.keygate.admin.KeyService;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.AuditTrail;
import dev.keygate.audit.DecisionAuditor;
import dev.keygate.authz.AdminToken;
import dev.keygate.authz.Authorizer;
import dev.keygate.concurrent.Bounded;
import dev.keygate.config.KeygateConfig;
import dev.keygate.envoy.EnvoyAuthorizationService;
import dev.keygate.envoy.EnvoySettings;
import dev.keygate.events.EventMachinery;
import dev.keygate.events.EventMeters;
import dev.keygate.events.LifecycleEvents;
import dev.keygate.grpc.AuthorizeService;
import dev.keygate.grpc.ClientIdentity;
import dev.keygate.grpc.Credentials;
import dev.keygate.grpc.EventWatchers;
import dev.keygate.grpc.HealthMonitor;
import dev.keygate.grpc.KeyAdminService;
import dev.keygate.grpc.OnWorkers;
import dev.keygate.grpc.RequestIds;
import dev.keygate.http.HttpAuthorization;
import dev.keygate.http.HttpSettings;
import dev.keygate.imports.ForeignKeys;
import dev.keygate.imports.ImportIndex;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.leak.LeakReports;
import dev.keygate.leak.LeakSettings;
import dev.keygate.leak.LeakedKeys;
import dev.keygate.metrics.KeygateMetrics;
import dev.keygate.ratelimit.CreditsListener;
import dev.keygate.ratelimit.LeasingLimiter;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.LimitSettings;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.ratelimit.SharedLimiter;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.KeyStore;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.Stores;
import dev.keygate.throttle.ClientAddresses;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.usage.UsageRecorder;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The assembled application: every domain part wired once from the config, and the gRPC services
 * over them. Transport-neutral, so tests bind it to an in-process server and {@link KeygateServer}
 * to Netty.
 */
public final class Keygate implements AutoCloseable {
  private final KeyStore store;
  private final UsageRecorder usage;
  private final Authorizer authorizer;
  private final HealthStatusManager healthStatus = new HealthStatusManager();
  private final HealthMonitor health;
  private final AuthorizeService authorizeService;
  private final KeyAdminService keyAdminService;
  private final EnvoyAuthorizationService envoyService;
  private final ClientAddresses addresses;
  private final EnvoySettings envoySettings;
  private final KeygateMetrics metrics = new KeygateMetrics();
  private final AuditLog auditLog;
  private final AuditTrail trail;
  private final ThreadPoolExecutor workers = newWorkerPool();
  private final OnWorkers onWorkers = new OnWorkers(workers, OnWorkers.MAX_CALLS);
  private final EventWatchers watchers;
  private final EventMachinery events;
  private final ForeignKeys foreignKeys; // null without KEYGATE_IMPORT_KEY_PREFIXES
  private final LeakSettings leakSettings;
  private final LeakReports leakReports;

  /**
   * @param pepper the HMAC pepper (the config's, or a generated one for the in-memory store)
   */
  public Keygate(KeygateConfig config, byte[] pepper, KeyStore store, Clock clock) {
    this.store = store;
    KeyFormat format = new KeyFormat(config.keys().prefix(), new SecureRandom());
    KeyHasher hasher = new KeyHasher(pepper);
    this.usage = new UsageRecorder(store, config.usage().flushInterval());
    this.auditLog = Stores.openAuditLog(store, config.audit().maxEvents());
    this.trail = new AuditTrail(auditLog, clock, config.audit().failureSamples());
    this.addresses = config.throttle().clientAddresses();
    this.envoySettings = config.envoy();
    // administration reads the store itself (fresh usage counts, fresh versions for
    // compare-and-set); only the decision path reads through the cache
    KeyStore adminStore = store instanceof CachingKeyStore cached ? cached.authoritative() : store;
    LimitSettings limits = config.limits();
    // global limits need the shared store; a key or project may ask for them whatever the
    // default scope is, so the shared limiter exists whenever Redis does
    Optional<SharedLimiter> shared =
        Stores.backing(store) instanceof RedisKeyStore redis
            ? Optional.of(
                new LeasingLimiter(redis.sharedLimiter(), limits.lease(), limits.leaseTtl()))
            : Optional.empty();
    this.events =
        new EventMachinery(
            auditLog, adminStore, clock, config.events(), config.webhooks(), EventWatchers::json);
    LimitEvaluator meter =
        new LimitEvaluator(
            new RateLimits(clock),
            shared,
            limits.global(),
            limits.defaultLimit(),
            limits.projectLimits(),
            clock,
            creditReports(events.lifecycle(), clock));
    ImportIndex importIndex = Stores.importIndex(store);
    // imported keys in a foreign format are looked up by digest, only when prefixes name them
    this.foreignKeys =
        config.imports().foreignPrefixes().isEmpty()
            ? null
            : new ForeignKeys(
                store.reader(),
                importIndex,
                adminStore,
                hasher,
                config.imports(),
                config.keys().environment(),
                clock,
                config.redis().timeout().multipliedBy(2));
    this.authorizer =
        new Authorizer(
            format,
            hasher,
            foreignKeys == null ? store.reader() : foreignKeys,
            meter,
            usage,
            clock,
            config.keys().environment(),
            FailureThrottle.of(config.throttle(), clock),
            new DecisionAuditor(metrics, trail),
            AdminToken.of(config.admin().token()),
            // a read answers within this even when the caller set no deadline
            config.redis().timeout().multipliedBy(2),
            config.access().projectAllowlists());
    KeyService keys =
        new KeyService(
            adminStore,
            format,
            hasher,
            clock,
            config.keys().environment(),
            config.admin().maxActiveKeysPerProject());
    this.authorizeService = new AuthorizeService(authorizer, clock, addresses);
    this.watchers =
        new EventWatchers(auditLog, config.events().watchMaxStreams(), config.events().watchPoll());
    this.keyAdminService =
        new KeyAdminService(
            new AdminAuthenticator(authorizer),
            keys,
            new KeyImport(
                adminStore,
                format,
                hasher,
                clock,
                config.keys().environment(),
                config.admin().maxActiveKeysPerProject(),
                importIndex,
                config.imports()),
            clock,
            trail,
            metrics,
            watchers,
            events.lifecycle(),
            meter::creditsLeft);
    this.envoyService = new EnvoyAuthorizationService(authorizer, config.envoy(), addresses);
    this.leakSettings = config.leak();
    this.leakReports =
        new LeakReports(
            leakSettings,
            new LeakedKeys(
                format, hasher, adminStore, keys, auditLog, clock, leakSettings.action()),
            trail,
            Stores.seenReports(store, clock));
    this.health =
        new HealthMonitor(
            store,
            healthStatus,
            List.of(
                AuthorizeGrpc.SERVICE_NAME,
                KeyAdminGrpc.SERVICE_NAME,
                AuthorizationGrpc.SERVICE_NAME));
    if (Stores.backing(store) instanceof RedisKeyStore redis) {
      // informational: readiness follows Redis itself (PING), not the breaker
      // (docs/decision-path.md)
      health.watch(
          REDIS_CIRCUIT_HEALTH,
          () -> redis.circuit().breaker().getState() != CircuitBreaker.State.OPEN);
    }
    Meters.bind(metrics, store, auditLog, trail, usage, onWorkers);
    EventMeters.bind(metrics, events, watchers);
  }

  /** Health entry that is NOT_SERVING while the circuit breaker around Redis is open. */
  public static final String REDIS_CIRCUIT_HEALTH = "keygate.redis.circuit";

  /** Prefix of the worker pool's thread names (tests check where calls ran). */
  public static final String WORKER_THREAD_PREFIX = "keygate-worker-";

  /** Threads that run KeyAdmin (and reflection) calls, which block on Redis. */
  static final int WORKER_THREADS = 8;

  /**
   * Where KeyAdmin and reflection calls run: a fixed pool of {@value #WORKER_THREADS} threads; the
   * calls admitted at once are capped by {@link OnWorkers}' bulkhead, which also bounds this pool's
   * queue. Decisions never run here.
   */
  private static ThreadPoolExecutor newWorkerPool() {
    return Bounded.threads(WORKER_THREAD_PREFIX, WORKER_THREADS);
  }

  /**
   * Adds KeyAdmin, Authorize, Envoy's ext_authz Authorization, health and reflection to a server
   * under construction. Build the server with {@code directExecutor()}: Authorize and ext_authz
   * Check then run on the transport thread (Netty's event loop), answer there what memory can
   * decide, and hand store reads to the store's reader, which answers them from its own bounded I/O
   * threads; health Check (in-memory statuses, the benchmarks' baseline) runs there too; KeyAdmin
   * and reflection are moved to the bounded worker pool whole ({@link OnWorkers}).
   */
  public <T extends ServerBuilder<T>> T bind(T builder) {
    Credentials credentials = new Credentials();
    ClientIdentity client = new ClientIdentity(addresses);
    RequestIds requestIds = new RequestIds();
    return builder
        .addService(ServerInterceptors.intercept(authorizeService, credentials, client, requestIds))
        // onWorkers last: the outermost, so the other interceptors' callbacks run on the pool
        .addService(
            ServerInterceptors.intercept(
                keyAdminService,
                credentials,
                client,
                requestIds,
                EventWatchers.unaryOnWorkers(onWorkers)))
        // the key travels inside the CheckRequest, so no Credentials interceptor here; the peer
        // decides whether the request's source.address is believed
        .addService(ServerInterceptors.intercept(envoyService, ClientIdentity.peerOnly()))
        .addService(healthStatus.getHealthService())
        .addService(
            ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), onWorkers));
  }

  /**
   * The HTTP forward-auth surface over the same decision path, route table and key headers as
   * Envoy's ext_authz ({@link KeygateServer} serves it on {@code KEYGATE_HTTP_LISTEN}).
   */
  public HttpAuthorization httpAuthorization(HttpSettings http) {
    return new HttpAuthorization(authorizer, envoySettings, http, addresses);
  }

  /** The leaked-key endpoint's settings ({@link KeygateServer} serves it when enabled). */
  public LeakSettings leakSettings() {
    return leakSettings;
  }

  /** The leaked-key endpoint's checks and actions, without a transport. */
  public LeakReports leakReports() {
    return leakReports;
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  /** The store the decision path reads (the cache in front of Redis, when configured). */
  public KeyStore store() {
    return store;
  }

  public UsageRecorder usage() {
    return usage;
  }

  public HealthMonitor health() {
    return health;
  }

  /**
   * Reports every key's credits after a decision counted them, for credits.low / credits.exhausted.
   * Low is measured against what the balance was last set to: the refill amount when the credits
   * refill; once per admin setting (generation) and refill window.
   */
  private static CreditsListener creditReports(LifecycleEvents lifecycle, Clock clock) {
    return (key, balance) ->
        key.credits()
            .ifPresent(
                c ->
                    lifecycle.creditsSpent(
                        key,
                        balance.remaining(),
                        c.refill().map(Credits.Refill::amount).orElse(c.amount()),
                        () -> c.generation() + "/" + c.windowAt(clock.instant())));
  }

  /** The meters, for the metrics endpoint. */
  public KeygateMetrics metrics() {
    return metrics;
  }

  /** The audit trail's log (tests, operations). */
  public AuditLog auditLog() {
    return auditLog;
  }

  /** The WatchEvents streams (tests, metrics). */
  public EventWatchers eventWatchers() {
    return watchers;
  }

  /** Lifecycle events and the webhook (tests, and the decision path's credit reports). */
  public EventMachinery events() {
    return events;
  }

  /** The audit trail writer (tests wait on its counters). */
  public AuditTrail auditTrail() {
    return trail;
  }

  /**
   * Health NOT_SERVING, then a last usage flush, then queued audit samples are written, then the
   * store (and with it the audit log's pool) closes.
   */
  @Override
  public void close() {
    health.close();
    watchers.close();
    events.close();
    if (foreignKeys != null) {
      foreignKeys.close();
    }
    usage.close();
    trail.close();
    auditLog.close();
    store.close();
    // after the server stopped (KeygateServer), so no call is left to run on it
    workers.shutdown();
  }
}
