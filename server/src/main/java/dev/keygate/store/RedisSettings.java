package dev.keygate.store;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the keys live: a Redis deployment, or this process alone when no URL is set.
 *
 * @param url {@code KEYGATE_REDIS_URL}; null = the in-memory store
 * @param namespace {@code KEYGATE_REDIS_NAMESPACE}, prefix of every Redis key (default kg)
 * @param timeout {@code KEYGATE_REDIS_TIMEOUT}, connect and command timeout (default 1s)
 * @param user {@code KEYGATE_REDIS_USERNAME}, ACL user; null = the URL's (or none)
 * @param password {@code KEYGATE_REDIS_PASSWORD} or the file named by {@code
 *     KEYGATE_REDIS_PASSWORD_FILE}; null = the URL's (or none)
 * @param failure {@code KEYGATE_REDIS_FAILURE}, what Authorize does while Redis cannot be reached:
 *     {@code closed} (default) or {@code stale}
 * @param staleMaxAge {@code KEYGATE_REDIS_STALE_MAX_AGE}, with {@code stale}: how long after Redis
 *     last confirmed a key it may still be decided from that record (default 5m)
 * @param bounds the circuit breaker's and the key reader's bounds ({@code
 *     KEYGATE_REDIS_BREAKER_OPEN}, {@code KEYGATE_REDIS_MAX_PENDING_READS}, {@code
 *     KEYGATE_REDIS_READ_BATCHES}, {@code KEYGATE_REDIS_POOL_SIZE}; see {@link RedisBounds})
 * @param acks {@code KEYGATE_REDIS_WAIT_REPLICAS} and {@code KEYGATE_REDIS_WAIT_TIMEOUT}: replicas
 *     that must acknowledge an admin write before it is answered OK (default 0, 250ms)
 */
public record RedisSettings(
    String url,
    String namespace,
    Duration timeout,
    String user,
    String password,
    RedisFailurePolicy failure,
    Duration staleMaxAge,
    RedisBounds bounds,
    ReplicaAcks acks) {
  private static final Pattern URL = Pattern.compile("rediss?(\\+sentinel|\\+cluster)?://.+");

  private static final Duration DEFAULT_WAIT = Duration.ofMillis(250);

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static RedisSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String url = r.optional("KEYGATE_REDIS_URL");
    if (url != null && !URL.matcher(url).matches()) {
      throw new ConfigException(
          "KEYGATE_REDIS_URL must start with redis://, rediss://, "
              + "redis+sentinel://, rediss+sentinel://, redis+cluster:// or rediss+cluster://");
    }
    if (url != null) {
      try {
        RedisEndpoint.parse(url);
      } catch (IllegalArgumentException e) {
        // the parser's message never quotes the URL (it may hold a password)
        throw new ConfigException("KEYGATE_REDIS_URL: " + e.getMessage());
      }
    }
    String user = r.optional("KEYGATE_REDIS_USERNAME");
    byte[] password = r.secret("KEYGATE_REDIS_PASSWORD", 1);
    String namespace = r.get("KEYGATE_REDIS_NAMESPACE", "kg");
    if (!RedisNamespace.isValid(namespace)) {
      throw new ConfigException("KEYGATE_REDIS_NAMESPACE must be " + RedisNamespace.RULE_TEXT);
    }
    RedisFailurePolicy failure =
        RedisFailurePolicy.fromLabel(r.get("KEYGATE_REDIS_FAILURE", "closed"))
            .orElseThrow(
                () -> new ConfigException("KEYGATE_REDIS_FAILURE must be closed or stale"));
    Duration timeout =
        r.duration("KEYGATE_REDIS_TIMEOUT", "1s", Duration.ofMillis(10), Duration.ofMinutes(1));
    int waitReplicas = r.integer("KEYGATE_REDIS_WAIT_REPLICAS", 0, 0, 16);
    // the WAIT shares the call's time budget with the write before it: a WAIT that could outlast
    // the budget would fail as a Redis timeout instead of answering how many replicas acknowledged
    Duration halfTimeout = timeout.dividedBy(2);
    Duration waitTimeout =
        r.optional("KEYGATE_REDIS_WAIT_TIMEOUT") == null
            ? (halfTimeout.compareTo(DEFAULT_WAIT) < 0 ? halfTimeout : DEFAULT_WAIT)
            : r.duration(
                "KEYGATE_REDIS_WAIT_TIMEOUT",
                "250ms",
                Duration.ofMillis(1),
                Duration.ofSeconds(30));
    if (waitTimeout.compareTo(halfTimeout) > 0) {
      throw new ConfigException(
          "KEYGATE_REDIS_WAIT_TIMEOUT must be at most half of KEYGATE_REDIS_TIMEOUT");
    }
    return new RedisSettings(
        url,
        namespace,
        timeout,
        user,
        password == null ? null : new String(password, StandardCharsets.UTF_8),
        failure,
        r.duration(
            "KEYGATE_REDIS_STALE_MAX_AGE", "5m", Duration.ofSeconds(1), Duration.ofHours(24)),
        new RedisBounds(
            r.duration(
                "KEYGATE_REDIS_BREAKER_OPEN",
                "500ms",
                Duration.ofMillis(10),
                Duration.ofMinutes(5)),
            r.integer("KEYGATE_REDIS_MAX_PENDING_READS", 2048, 1, 1_000_000),
            // each batch in flight holds one pooled connection and one I/O thread
            r.integer("KEYGATE_REDIS_READ_BATCHES", 4, 1, 8),
            r.integer(
                "KEYGATE_REDIS_POOL_SIZE",
                RedisBounds.DEFAULT_POOL_SIZE,
                RedisBounds.MIN_POOL_SIZE,
                1024)),
        new ReplicaAcks(waitReplicas, waitTimeout));
  }

  /** True when a Redis URL is set; false means the in-memory store. */
  public boolean enabled() {
    return url != null;
  }

  /** The endpoint to connect to, with the separately given credentials applied. */
  public RedisEndpoint endpoint() {
    return RedisEndpoint.parse(url).withCredentials(user, password);
  }

  /** How long a record Redis returned may answer while Redis cannot; zero = fail closed. */
  public Duration staleAnswerMaxAge() {
    return failure == RedisFailurePolicy.STALE ? staleMaxAge : Duration.ZERO;
  }

  @Override
  public String toString() {
    // never the URL (it may hold a password) nor the password
    return "store="
        + (enabled() ? "redis" : "in-memory")
        + ", namespace="
        + namespace
        + ", redisPassword="
        + (password == null ? "unset" : "set")
        + ", redisFailure="
        + failure.label()
        + (failure == RedisFailurePolicy.STALE
            ? " (max age " + Durations.format(staleMaxAge) + ")"
            : "")
        + ", breakerOpen="
        + Durations.format(bounds.breakerOpen())
        + ", maxPendingReads="
        + bounds.maxPendingReads()
        + ", readBatches="
        + bounds.readBatches()
        + ", poolSize="
        + bounds.poolSize()
        + ", waitReplicas="
        + acks.replicas()
        + (acks.replicas() > 0 ? " (timeout " + Durations.format(acks.timeout()) + ")" : "");
  }
}
