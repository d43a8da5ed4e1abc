package dev.keygate.store;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.config.KeygateConfig;
import dev.keygate.config.RedisFailurePolicy;
import java.time.Duration;

/** Opens the store the configuration asks for. */
public final class Stores {
  private Stores() {}

  /**
   * Redis when {@code KEYGATE_REDIS_URL} is set, else the in-memory store. Redis is fronted by the
   * verified-key cache unless {@code KEYGATE_CACHE_MAX_KEYS} is 0; the in-memory store needs no
   * cache (it is one already). With {@code KEYGATE_REDIS_FAILURE=stale} the cache also answers for
   * recently confirmed keys while Redis cannot. The decision path's reads that reach Redis go
   * through its {@link BatchingKeyReader}, so concurrent misses share pipelined round trips.
   */
  public static KeyStore open(KeygateConfig config) {
    return open(config, Ticker.systemTicker());
  }

  /** As {@link #open(KeygateConfig)}, with the cache's clock given (tests freeze it). */
  public static KeyStore open(KeygateConfig config, Ticker cacheTicker) {
    if (config.inMemory()) {
      return new InMemoryKeyStore();
    }
    RedisEndpoint endpoint =
        RedisEndpoint.parse(config.redisUrl())
            .withCredentials(config.redisUser(), config.redisPassword());
    RedisKeyStore redis =
        RedisKeyStore.connect(endpoint, config.redisTimeout(), config.redisNamespace());
    if (config.cacheMaxKeys() == 0) {
      return redis;
    }
    Duration staleMaxAge =
        config.redisFailure() == RedisFailurePolicy.STALE
            ? config.redisStaleMaxAge()
            : Duration.ZERO;
    CachingKeyStore cache =
        new CachingKeyStore(
            redis,
            redis.reader(),
            new CachingKeyStore.Settings(
                config.cacheMaxKeys(),
                config.cacheMaxStaleness(),
                config.cacheNegativeTtl(),
                staleMaxAge),
            cacheTicker);
    redis.listenForInvalidations(cache);
    return cache;
  }

  /**
   * The audit log beside {@code store}: Redis Streams in the same Redis and namespace when the
   * store is Redis, else a bounded in-memory log.
   */
  public static dev.keygate.audit.AuditLog openAuditLog(KeyStore store, int maxEvents) {
    if (backing(store) instanceof RedisKeyStore redis) {
      return redis.auditLog(maxEvents);
    }
    return new dev.keygate.audit.InMemoryAuditLog(maxEvents);
  }

  /** The store at the bottom of the cache and batching layers (Redis or in-memory). */
  public static KeyStore backing(KeyStore store) {
    KeyStore s = store;
    while (s.delegate() != s) {
      s = s.delegate();
    }
    return s;
  }
}
