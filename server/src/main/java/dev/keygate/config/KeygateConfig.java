package dev.keygate.config;

import dev.keygate.ServerSettings;
import dev.keygate.access.AccessSettings;
import dev.keygate.admin.AdminSettings;
import dev.keygate.audit.AuditSettings;
import dev.keygate.envoy.EnvoySettings;
import dev.keygate.events.EventSettings;
import dev.keygate.events.WebhookSettings;
import dev.keygate.http.HttpSettings;
import dev.keygate.imports.ImportSettings;
import dev.keygate.key.KeySettings;
import dev.keygate.leak.LeakSettings;
import dev.keygate.metrics.MetricsSettings;
import dev.keygate.ratelimit.LimitSettings;
import dev.keygate.store.CacheSettings;
import dev.keygate.store.RedisFailurePolicy;
import dev.keygate.store.RedisSettings;
import dev.keygate.throttle.ThrottleSettings;
import dev.keygate.tls.TlsSettings;
import dev.keygate.usage.UsageSettings;
import java.util.Map;

/**
 * Every setting of the sidecar, read once from the environment at start and validated; a bad value
 * stops the start with a message naming the variable. Each part reads and checks its own variables
 * (its {@code fromEnv}); what involves two parts is checked here, once. Secrets (pepper, admin
 * token, Redis password) come from the variable or from a file named by {@code <NAME>_FILE} (for
 * mounted Kubernetes Secrets), and {@link #toString()} never shows them.
 *
 * @param server the gRPC port and its drain ({@code KEYGATE_LISTEN}, {@code
 *     KEYGATE_SHUTDOWN_GRACE})
 * @param tls TLS and mutual TLS on the gRPC port ({@code KEYGATE_TLS_*}; default plaintext)
 * @param redis the store ({@code KEYGATE_REDIS_*}; default in-memory)
 * @param cache the verified-key cache in front of Redis ({@code KEYGATE_CACHE_*})
 * @param keys key format and hashing ({@code KEYGATE_KEY_PREFIX}, {@code KEYGATE_ENVIRONMENT},
 *     {@code KEYGATE_PEPPER})
 * @param admin key administration ({@code KEYGATE_ADMIN_TOKEN}, {@code
 *     KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT})
 * @param limits rate limits ({@code KEYGATE_DEFAULT_RATE_LIMIT}, {@code KEYGATE_RATE_LIMIT_*},
 *     {@code KEYGATE_PROJECT_RATE_LIMITS})
 * @param usage usage counting ({@code KEYGATE_USAGE_FLUSH_INTERVAL})
 * @param audit the audit trail ({@code KEYGATE_AUDIT_*})
 * @param metrics the metrics endpoint ({@code KEYGATE_METRICS_LISTEN}; default off)
 * @param throttle failed-authentication throttling ({@code KEYGATE_AUTH_FAILURE_*}, {@code
 *     KEYGATE_TRUSTED_PROXY_HOPS})
 * @param envoy the Envoy ext_authz settings ({@code KEYGATE_ENVOY_*}, {@code KEYGATE_ROUTES*})
 * @param http the HTTP forward-auth listener ({@code KEYGATE_HTTP_*}; default off)
 * @param access sidecar-wide access controls ({@code KEYGATE_PROJECT_ALLOWLISTS})
 * @param events lifecycle events and WatchEvents ({@code KEYGATE_EVENTS_*}, {@code
 *     KEYGATE_WATCH_*})
 * @param webhooks the webhook ({@code KEYGATE_WEBHOOK_*}; default off)
 * @param leak the leaked-key endpoint ({@code KEYGATE_LEAK_*}; default off)
 * @param imports imported keys in a foreign format ({@code KEYGATE_IMPORT_KEY_PREFIXES})
 */
public record KeygateConfig(
    ServerSettings server,
    TlsSettings tls,
    RedisSettings redis,
    CacheSettings cache,
    KeySettings keys,
    AdminSettings admin,
    LimitSettings limits,
    UsageSettings usage,
    AuditSettings audit,
    MetricsSettings metrics,
    ThrottleSettings throttle,
    EnvoySettings envoy,
    HttpSettings http,
    AccessSettings access,
    EventSettings events,
    WebhookSettings webhooks,
    LeakSettings leak,
    ImportSettings imports) {

  /** Reads and validates the settings. */
  public static KeygateConfig fromEnv(Map<String, String> env) {
    KeygateConfig c =
        new KeygateConfig(
            ServerSettings.fromEnv(env),
            TlsSettings.fromEnv(env),
            RedisSettings.fromEnv(env),
            CacheSettings.fromEnv(env),
            KeySettings.fromEnv(env),
            AdminSettings.fromEnv(env),
            LimitSettings.fromEnv(env),
            UsageSettings.fromEnv(env),
            AuditSettings.fromEnv(env),
            MetricsSettings.fromEnv(env),
            ThrottleSettings.fromEnv(env),
            EnvoySettings.fromEnv(env),
            HttpSettings.fromEnv(env),
            AccessSettings.fromEnv(env),
            EventSettings.fromEnv(env),
            WebhookSettings.fromEnv(env),
            LeakSettings.fromEnv(env),
            ImportSettings.fromEnv(env));
    if (c.limits.global() && !c.redis.enabled()) {
      throw new ConfigException(
          "KEYGATE_RATE_LIMIT_SCOPE=global needs KEYGATE_REDIS_URL: "
              + "the shared counts live in Redis");
    }
    if (c.keys.pepper() == null && c.redis.enabled()) {
      throw new ConfigException(
          "KEYGATE_PEPPER (or KEYGATE_PEPPER_FILE) is required with "
              + "KEYGATE_REDIS_URL: keys are stored as HMAC digests keyed by the pepper, and a lost "
              + "or changed pepper invalidates every key. Generate one: openssl rand -base64 32");
    }
    if (c.redis.failure() == RedisFailurePolicy.STALE && !c.cache.enabled()) {
      // stale records live in the verified-key cache and are kept honest by its invalidations
      throw new ConfigException(
          "KEYGATE_REDIS_FAILURE=stale needs the key cache: "
              + "KEYGATE_CACHE_MAX_KEYS must not be 0");
    }
    return c;
  }

  @Override
  public String toString() {
    // every part's toString leaves its secrets out (the generated one would print them)
    return "KeygateConfig["
        + server
        + ", tls="
        + tls
        + ", "
        + redis
        + ", cache="
        + cache
        + ", "
        + keys
        + ", "
        + admin
        + ", "
        + limits
        + ", "
        + usage
        + ", "
        + audit
        + ", metrics="
        + metrics
        + ", "
        + throttle
        + ", envoyRoutes="
        + envoy.routes().size()
        + ", http="
        + http
        + ", "
        + access
        + ", "
        + events
        + ", "
        + webhooks
        + ", leak="
        + leak
        + ", "
        + imports
        + "]";
  }
}
