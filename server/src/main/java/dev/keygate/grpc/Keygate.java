package dev.keygate.grpc;

import dev.keygate.admin.AdminAuthenticator;
import dev.keygate.admin.KeyService;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.authz.Authorizer;
import dev.keygate.config.KeygateConfig;
import dev.keygate.envoy.EnvoyAuthorizationService;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.KeyStore;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.usage.UsageRecorder;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * The assembled application: every domain part wired once from the config, and the gRPC
 * services over them. Transport-neutral, so tests bind it to an in-process server and
 * {@link KeygateServer} to Netty.
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

  /**
   * @param pepper the HMAC pepper (the config's, or a generated one for the in-memory store)
   */
  public Keygate(KeygateConfig config, byte[] pepper, KeyStore store, Clock clock) {
    this.store = store;
    KeyFormat format = new KeyFormat(config.keyPrefix(), new SecureRandom());
    KeyHasher hasher = new KeyHasher(pepper);
    this.usage = new UsageRecorder(store, config.usageFlushInterval());
    // administration reads the store itself (fresh usage counts, fresh versions for
    // compare-and-set); only the decision path reads through the cache
    KeyStore adminStore = store instanceof CachingKeyStore cached ? cached.authoritative() : store;
    this.authorizer = new Authorizer(format, hasher, store, new RateLimits(), usage, clock,
        config.environment(), config.defaultRateLimit(),
        config.globalRateLimits() && backing(store) instanceof RedisKeyStore redis
            ? redis.sharedLimiter() : null);
    KeyService keys = new KeyService(adminStore, format, hasher, clock, config.environment(),
        config.maxActiveKeysPerProject());
    this.authorizeService = new AuthorizeService(authorizer, clock);
    this.keyAdminService = new KeyAdminService(
        new AdminAuthenticator(config.adminToken(), format, authorizer), keys, clock);
    this.envoyService = new EnvoyAuthorizationService(authorizer, config.envoy());
    this.health = new HealthMonitor(store, healthStatus,
        List.of(AuthorizeGrpc.SERVICE_NAME, KeyAdminGrpc.SERVICE_NAME,
            AuthorizationGrpc.SERVICE_NAME));
  }

  private static KeyStore backing(KeyStore store) {
    return store instanceof CachingKeyStore cached ? cached.backing() : store;
  }

  /**
   * Adds KeyAdmin, Authorize, Envoy's ext_authz Authorization, health and reflection to a server
   * under construction.
   */
  public <T extends ServerBuilder<T>> T bind(T builder) {
    Credentials credentials = new Credentials();
    return builder
        .addService(ServerInterceptors.intercept(authorizeService, credentials))
        .addService(ServerInterceptors.intercept(keyAdminService, credentials))
        // the key travels inside the CheckRequest, so no Credentials interceptor here
        .addService(envoyService)
        .addService(healthStatus.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
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

  /** Health NOT_SERVING, then a last usage flush, then the store closes. */
  @Override
  public void close() {
    health.close();
    usage.close();
    store.close();
  }
}
