package dev.keygate.config;

import dev.keygate.envoy.EnvoySettings;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.throttle.ThrottleSettings;
import dev.keygate.tls.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting of the sidecar, read once from the environment at start and validated; a bad value
 * stops the start with a message naming the variable. Secrets (pepper, admin token) come from the
 * variable or from a file named by {@code <NAME>_FILE} (for mounted Kubernetes Secrets).
 *
 * @param listenHost address to listen on ({@code KEYGATE_LISTEN}, default 127.0.0.1)
 * @param listenPort port ({@code KEYGATE_LISTEN}, default 7070; 0 = any free port)
 * @param redisUrl {@code KEYGATE_REDIS_URL}; null = the in-memory store
 * @param redisNamespace {@code KEYGATE_REDIS_NAMESPACE}, prefix of every Redis key (default kg)
 * @param redisTimeout {@code KEYGATE_REDIS_TIMEOUT}, connect and command timeout (default 1s)
 * @param pepper {@code KEYGATE_PEPPER}; null = none given (allowed for the in-memory store only)
 * @param adminToken {@code KEYGATE_ADMIN_TOKEN}; null = only API keys may administer
 * @param keyPrefix {@code KEYGATE_KEY_PREFIX} (default kg)
 * @param environment {@code KEYGATE_ENVIRONMENT}, live or test (default live)
 * @param maxActiveKeysPerProject {@code KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT} (default 10)
 * @param defaultRateLimit {@code KEYGATE_DEFAULT_RATE_LIMIT} like 100/1s; null = unlimited
 * @param usageFlushInterval {@code KEYGATE_USAGE_FLUSH_INTERVAL} (default 1s)
 * @param shutdownGrace {@code KEYGATE_SHUTDOWN_GRACE}, drain time on SIGTERM (default 10s)
 * @param envoy the Envoy ext_authz settings ({@code KEYGATE_ENVOY_*}, {@code KEYGATE_ROUTES*})
 * @param cacheMaxKeys {@code KEYGATE_CACHE_MAX_KEYS}, verified key records cached in process
 *     (default 100000; 0 = no cache)
 * @param cacheMaxStaleness {@code KEYGATE_CACHE_MAX_STALENESS}, safety-net lifetime of a cached
 *     record should an invalidation be lost (default 10s)
 * @param cacheNegativeTtl {@code KEYGATE_CACHE_NEGATIVE_TTL}, how long unknown key ids are
 *     remembered (default 1s; 0 = not at all)
 * @param redisUser {@code KEYGATE_REDIS_USERNAME}, ACL user; null = the URL's (or none)
 * @param redisPassword {@code KEYGATE_REDIS_PASSWORD} or the file named by {@code
 *     KEYGATE_REDIS_PASSWORD_FILE}; null = the URL's (or none)
 * @param globalRateLimits {@code KEYGATE_RATE_LIMIT_SCOPE}: {@code global} counts every limit in
 *     Redis, shared by all sidecars; {@code local} (default) counts in this process only
 * @param redisFailure {@code KEYGATE_REDIS_FAILURE}, what Authorize does while Redis cannot be
 *     reached: {@code closed} (default) or {@code stale}
 * @param redisStaleMaxAge {@code KEYGATE_REDIS_STALE_MAX_AGE}, with {@code stale}: how long after
 *     Redis last confirmed a key it may still be decided from that record (default 5m)
 * @param throttle failed-authentication throttling ({@code KEYGATE_AUTH_FAILURE_*}, {@code
 *     KEYGATE_TRUSTED_PROXY_HOPS})
 * @param tls TLS and mutual TLS on the gRPC port ({@code KEYGATE_TLS_*}; default plaintext)
 * @param auditMaxEvents {@code KEYGATE_AUDIT_MAX_EVENTS}, events kept per audit trail (default
 *     10000; Redis trims approximately)
 * @param auditFailureSamples {@code KEYGATE_AUDIT_FAILURE_SAMPLES}, refused calls sampled into each
 *     trail per second (default 10; 0 = none)
 * @param projectRateLimits {@code KEYGATE_PROJECT_RATE_LIMITS}, a quota every project gets, shared
 *     by all of its keys, e.g. {@code global:10000/1m,local:200/1s} (default none)
 * @param rateLimitLease {@code KEYGATE_RATE_LIMIT_LEASE}, most calls a sidecar takes from a global
 *     limit at once and spends locally (default 1 = no leasing); a lease is also at most 5 % of the
 *     smallest limit
 * @param rateLimitLeaseTtl {@code KEYGATE_RATE_LIMIT_LEASE_TTL}, how long a lease may be spent
 *     (default 1s)
 * @param metricsHost {@code KEYGATE_METRICS_LISTEN} host; null = no metrics endpoint (default)
 * @param metricsPort {@code KEYGATE_METRICS_LISTEN} port (0 = any free port); -1 when off
 */
public record KeygateConfig(
    String listenHost,
    int listenPort,
    String redisUrl,
    String redisNamespace,
    Duration redisTimeout,
    byte[] pepper,
    String adminToken,
    String keyPrefix,
    KeyKind environment,
    int maxActiveKeysPerProject,
    RateLimitSpec defaultRateLimit,
    Duration usageFlushInterval,
    Duration shutdownGrace,
    EnvoySettings envoy,
    int cacheMaxKeys,
    Duration cacheMaxStaleness,
    Duration cacheNegativeTtl,
    String redisUser,
    String redisPassword,
    boolean globalRateLimits,
    RedisFailurePolicy redisFailure,
    Duration redisStaleMaxAge,
    ThrottleSettings throttle,
    TlsSettings tls,
    int auditMaxEvents,
    int auditFailureSamples,
    String metricsHost,
    int metricsPort,
    List<KeyLimit> projectRateLimits,
    int rateLimitLease,
    Duration rateLimitLeaseTtl) {

  /** Shortest pepper and admin token accepted, in bytes. */
  public static final int MIN_SECRET_LENGTH = 16;

  private static final Pattern LISTEN =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final Pattern RATE = Pattern.compile("(\\d{1,7})/(\\S+)");

  /** Reads and validates the settings. */
  public static KeygateConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    var listen = LISTEN.matcher(r.get("KEYGATE_LISTEN", "127.0.0.1:7070"));
    if (!listen.matches() || Integer.parseInt(listen.group(2)) > 65535) {
      throw new ConfigException(
          "KEYGATE_LISTEN must be host:port, e.g. 127.0.0.1:7070 or 0.0.0.0:7070");
    }
    String host = listen.group(1).replace("[", "").replace("]", "");
    String redisUrl = r.optional("KEYGATE_REDIS_URL");
    if (redisUrl != null && !redisUrl.matches("rediss?(\\+sentinel|\\+cluster)?://.+")) {
      throw new ConfigException(
          "KEYGATE_REDIS_URL must start with redis://, rediss://, "
              + "redis+sentinel://, rediss+sentinel://, redis+cluster:// or rediss+cluster://");
    }
    if (redisUrl != null) {
      try {
        dev.keygate.store.RedisEndpoint.parse(redisUrl);
      } catch (IllegalArgumentException e) {
        // the parser's message never quotes the URL (it may hold a password)
        throw new ConfigException("KEYGATE_REDIS_URL: " + e.getMessage());
      }
    }
    String redisUser = r.optional("KEYGATE_REDIS_USERNAME");
    byte[] redisPassword = r.secret("KEYGATE_REDIS_PASSWORD", 1);
    String scope = r.get("KEYGATE_RATE_LIMIT_SCOPE", "local");
    if (!scope.equals("local") && !scope.equals("global")) {
      throw new ConfigException("KEYGATE_RATE_LIMIT_SCOPE must be local or global");
    }
    if (scope.equals("global") && redisUrl == null) {
      throw new ConfigException(
          "KEYGATE_RATE_LIMIT_SCOPE=global needs KEYGATE_REDIS_URL: "
              + "the shared counts live in Redis");
    }
    String namespace = r.get("KEYGATE_REDIS_NAMESPACE", "kg");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new ConfigException(
          "KEYGATE_REDIS_NAMESPACE must be 1-32 characters of [A-Za-z0-9_.-]");
    }
    byte[] pepper = r.secret("KEYGATE_PEPPER", MIN_SECRET_LENGTH);
    if (pepper == null && redisUrl != null) {
      throw new ConfigException(
          "KEYGATE_PEPPER (or KEYGATE_PEPPER_FILE) is required with "
              + "KEYGATE_REDIS_URL: keys are stored as HMAC digests keyed by the pepper, and a lost "
              + "or changed pepper invalidates every key. Generate one: openssl rand -base64 32");
    }
    byte[] token = r.secret("KEYGATE_ADMIN_TOKEN", MIN_SECRET_LENGTH);
    String prefix = r.get("KEYGATE_KEY_PREFIX", "kg");
    if (!KeyFormat.isValidPrefix(prefix)) {
      throw new ConfigException(
          "KEYGATE_KEY_PREFIX must be 1-16 characters of [a-z0-9], starting with a letter");
    }
    KeyKind environment =
        KeyKind.fromLabel(r.get("KEYGATE_ENVIRONMENT", "live"))
            .orElseThrow(() -> new ConfigException("KEYGATE_ENVIRONMENT must be live or test"));
    int maxActive = r.integer("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", 10, 1, 1_000_000);
    int cacheMaxKeys = r.integer("KEYGATE_CACHE_MAX_KEYS", 100_000, 0, 10_000_000);
    RedisFailurePolicy failure =
        RedisFailurePolicy.fromLabel(r.get("KEYGATE_REDIS_FAILURE", "closed"))
            .orElseThrow(
                () -> new ConfigException("KEYGATE_REDIS_FAILURE must be closed or stale"));
    if (failure == RedisFailurePolicy.STALE && cacheMaxKeys == 0) {
      // stale records live in the verified-key cache and are kept honest by its invalidations
      throw new ConfigException(
          "KEYGATE_REDIS_FAILURE=stale needs the key cache: "
              + "KEYGATE_CACHE_MAX_KEYS must not be 0");
    }
    String metricsListen = r.get("KEYGATE_METRICS_LISTEN", "off");
    String metricsHost = null;
    int metricsPort = -1;
    if (!metricsListen.equals("off")) {
      var m = LISTEN.matcher(metricsListen);
      if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
        throw new ConfigException(
            "KEYGATE_METRICS_LISTEN must be off or host:port, e.g. "
                + "127.0.0.1:9464 or 0.0.0.0:9464");
      }
      metricsHost = m.group(1).replace("[", "").replace("]", "");
      metricsPort = Integer.parseInt(m.group(2));
    }
    return new KeygateConfig(
        host,
        Integer.parseInt(listen.group(2)),
        redisUrl,
        namespace,
        r.duration("KEYGATE_REDIS_TIMEOUT", "1s", Duration.ofMillis(10), Duration.ofMinutes(1)),
        pepper,
        token == null ? null : new String(token, StandardCharsets.UTF_8),
        prefix,
        environment,
        maxActive,
        rateLimit(r.get("KEYGATE_DEFAULT_RATE_LIMIT", "none")),
        r.duration(
            "KEYGATE_USAGE_FLUSH_INTERVAL", "1s", Duration.ofMillis(10), Duration.ofMinutes(10)),
        r.duration("KEYGATE_SHUTDOWN_GRACE", "10s", Duration.ZERO, Duration.ofMinutes(10)),
        EnvoySettings.fromEnv(env),
        cacheMaxKeys,
        r.duration("KEYGATE_CACHE_MAX_STALENESS", "10s", Duration.ofMillis(1), Duration.ofHours(1)),
        r.duration("KEYGATE_CACHE_NEGATIVE_TTL", "1s", Duration.ZERO, Duration.ofMinutes(1)),
        redisUser,
        redisPassword == null ? null : new String(redisPassword, StandardCharsets.UTF_8),
        scope.equals("global"),
        failure,
        r.duration(
            "KEYGATE_REDIS_STALE_MAX_AGE", "5m", Duration.ofSeconds(1), Duration.ofHours(24)),
        ThrottleSettings.fromEnv(env),
        TlsSettings.fromEnv(env),
        r.integer("KEYGATE_AUDIT_MAX_EVENTS", 10_000, 100, 10_000_000),
        r.integer("KEYGATE_AUDIT_FAILURE_SAMPLES", 10, 0, 10_000),
        metricsHost,
        metricsPort,
        projectLimits(r.get("KEYGATE_PROJECT_RATE_LIMITS", "none")),
        r.integer("KEYGATE_RATE_LIMIT_LEASE", 1, 1, 1000),
        r.duration(
            "KEYGATE_RATE_LIMIT_LEASE_TTL", "1s", Duration.ofMillis(10), Duration.ofMinutes(1)));
  }

  /** True when keys live in this process only. */
  public boolean inMemory() {
    return redisUrl == null;
  }

  @Override
  public String toString() {
    // never print secrets: the record's generated toString would
    return "KeygateConfig[listen="
        + listenHost
        + ":"
        + listenPort
        + ", store="
        + (inMemory() ? "in-memory" : "redis")
        + ", namespace="
        + redisNamespace
        + ", environment="
        + environment.label()
        + ", keyPrefix="
        + keyPrefix
        + ", maxActiveKeysPerProject="
        + maxActiveKeysPerProject
        + ", defaultRateLimit="
        + (defaultRateLimit == null ? "none" : defaultRateLimit.encode())
        + ", envoyRoutes="
        + envoy.routes().size()
        + ", cache="
        + (cacheMaxKeys == 0
            ? "off"
            : cacheMaxKeys
                + " keys, max staleness "
                + Durations.format(cacheMaxStaleness)
                + ", negative "
                + Durations.format(cacheNegativeTtl))
        + ", rateLimitScope="
        + (globalRateLimits ? "global" : "local")
        + ", projectRateLimits="
        + (projectRateLimits.isEmpty() ? "none" : KeyLimit.encodeAll(projectRateLimits))
        + ", rateLimitLease="
        + (rateLimitLease <= 1
            ? "off"
            : rateLimitLease + " for " + Durations.format(rateLimitLeaseTtl))
        + ", redisPassword="
        + (redisPassword == null ? "unset" : "set")
        + ", redisFailure="
        + redisFailure.label()
        + (redisFailure == RedisFailurePolicy.STALE
            ? " (max age " + Durations.format(redisStaleMaxAge) + ")"
            : "")
        + ", authFailureLimit="
        + (throttle.enabled()
            ? throttle.limit() + " per " + Durations.format(throttle.window())
            : "off")
        + ", trustedProxyHops="
        + throttle.trustedProxyHops()
        + ", tls="
        + tls
        + ", auditMaxEvents="
        + auditMaxEvents
        + ", auditFailureSamples="
        + auditFailureSamples
        + "/s, metrics="
        + (metricsHost == null ? "off" : metricsHost + ":" + metricsPort)
        + ", adminToken="
        + (adminToken == null ? "unset" : "set")
        + "]";
  }

  /** {@code none}, or comma-separated {@code [local:|global:]<requests>/<period>}. */
  private static List<KeyLimit> projectLimits(String text) {
    if (text.equals("none")) {
      return List.of();
    }
    String problem =
        "KEYGATE_PROJECT_RATE_LIMITS must be none or comma-separated "
            + "[local:|global:]<requests>/<period>, e.g. global:10000/1m,local:200/1s";
    List<KeyLimit> out = new ArrayList<>();
    var seen = new java.util.HashSet<String>();
    for (String part : text.split(",")) {
      String p = part.trim();
      LimitScope scope = LimitScope.DEFAULT;
      if (p.startsWith("local:") || p.startsWith("global:")) {
        scope = p.startsWith("local:") ? LimitScope.LOCAL : LimitScope.GLOBAL;
        p = p.substring(p.indexOf(':') + 1);
      }
      var m = RATE.matcher(p);
      if (!m.matches()) {
        throw new ConfigException(problem);
      }
      try {
        KeyLimit limit =
            new KeyLimit(
                new RateLimitSpec(Integer.parseInt(m.group(1)), Durations.parse(m.group(2))),
                scope);
        if (!seen.add(scope + "/" + limit.spec().period())) {
          throw new ConfigException(problem + " (two limits with the same period and scope)");
        }
        out.add(limit);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(problem + " (" + e.getMessage() + ")");
      }
    }
    if (out.size() > 8) {
      throw new ConfigException(problem + " (at most 8)");
    }
    return List.copyOf(out);
  }

  private static RateLimitSpec rateLimit(String text) {
    if (text.equals("none")) {
      return null;
    }
    var m = RATE.matcher(text);
    String problem =
        "KEYGATE_DEFAULT_RATE_LIMIT must be none or <requests>/<period>, e.g. 100/1s or 6000/1m";
    if (!m.matches()) {
      throw new ConfigException(problem);
    }
    try {
      return new RateLimitSpec(Integer.parseInt(m.group(1)), Durations.parse(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(problem + " (" + e.getMessage() + ")");
    }
  }
}
