package dev.keygate.store;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.InMemoryAuditLog;

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
  public static KeyStore open(RedisSettings redis, CacheSettings cache) {
    return open(redis, cache, Ticker.systemTicker());
  }

  /**
   * As {@link #open(RedisSettings, CacheSettings)}, with the cache's clock given (tests freeze it).
   */
  public static KeyStore open(RedisSettings redis, CacheSettings cache, Ticker cacheTicker) {
    if (!redis.enabled()) {
      return new InMemoryKeyStore();
    }
    RedisKeyStore store =
        RedisKeyStore.connect(redis.endpoint(), redis.timeout(), redis.namespace(), redis.bounds());
    if (!cache.enabled()) {
      return store;
    }
    CachingKeyStore cached =
        new CachingKeyStore(
            store, store.reader(), cache.forCache(redis.staleAnswerMaxAge()), cacheTicker);
    store.listenForInvalidations(cached);
    return cached;
  }

  /**
   * The audit log beside {@code store}: Redis Streams in the same Redis and namespace when the
   * store is Redis, else a bounded in-memory log.
   */
  public static AuditLog openAuditLog(KeyStore store, int maxEvents) {
    if (backing(store) instanceof RedisKeyStore redis) {
      return redis.auditLog(maxEvents);
    }
    return new InMemoryAuditLog(maxEvents);
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
