package dev.keygate.store;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.InMemoryAuditLog;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.imports.ImportIndex;
import dev.keygate.imports.InMemoryImportIndex;
import dev.keygate.imports.RedisImportIndex;
import dev.keygate.leak.LocalSeenReports;
import dev.keygate.leak.RedisSeenReports;
import dev.keygate.leak.SeenReports;
import dev.keygate.ratelimit.SharedLimiter;
import java.time.Clock;

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
    RedisKeyStore store = redis(redis);
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
   * The Redis store {@code settings} name, without the cache (tools, e.g. the layout migration).
   */
  public static RedisKeyStore redis(RedisSettings settings) {
    return RedisKeyStore.connect(
        settings.endpoint(),
        settings.timeout(),
        settings.namespace(),
        settings.bounds(),
        settings.acks(),
        settings.revokedRetention());
  }

  /**
   * The audit log beside {@code store}: Redis Streams in the same Redis and namespace when the
   * store is Redis, else a bounded in-memory log.
   */
  public static AuditLog openAuditLog(KeyStore store, int maxEvents) {
    KeyStore backing = backing(store);
    if (backing instanceof RedisKeyStore redis) {
      return redis.auditLog(maxEvents);
    }
    if (backing instanceof InMemoryKeyStore memory) {
      return memory.auditLog(maxEvents);
    }
    return new InMemoryAuditLog(maxEvents);
  }

  /**
   * The audit trails of {@code redis}'s namespace, as Redis Streams on its client (so the same
   * deployment, credentials, TLS, database and per-call time budget); the store's close closes the
   * client. Project streams are hash-tagged to the project's slot, the global stream {@code
   * <ns>:events} is a key of its own, and every command touches one stream, so the log works on a
   * Cluster too.
   */
  public static RedisAuditLog auditLog(RedisKeyStore redis, int maxEvents) {
    return redis.auditLog(maxEvents);
  }

  /** The log of {@link #auditLog(RedisKeyStore, int)}, on {@code client}. */
  static RedisAuditLog auditLog(RedisClient client, String namespace, int maxEvents) {
    // failures are counted by the log itself, not in the store's error metric
    return new RedisAuditLog(client.commands("redis audit log"), namespace, maxEvents);
  }

  /**
   * Rate limits counted in {@code redis}, shared by every sidecar using it; each limit lives in its
   * owner's slot.
   */
  public static SharedLimiter sharedLimiter(RedisKeyStore redis) {
    return new RedisSharedLimiter(redis);
  }

  /**
   * The import indexes (external ids, foreign secrets' digests) beside {@code store}: in its Redis
   * and namespace, on its client (every command one key), else in memory.
   */
  public static ImportIndex importIndex(KeyStore store) {
    if (backing(store) instanceof RedisKeyStore redis) {
      return new RedisImportIndex(redis.client().commands("redis import index"), redis.namespace());
    }
    return new InMemoryImportIndex();
  }

  /**
   * The leak reports acted on, beside {@code store}: in its Redis (so a report replayed to any
   * sidecar is refused), else in this process.
   */
  public static SeenReports seenReports(KeyStore store, Clock clock) {
    if (backing(store) instanceof RedisKeyStore redis) {
      return new RedisSeenReports(redis.client().commands("redis leak reports"), redis.namespace());
    }
    return new LocalSeenReports(clock);
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
