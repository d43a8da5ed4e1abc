package dev.keygate.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link KeyStore} that keeps verified key records (and, briefly, "no such key") in a bounded
 * in-process Caffeine cache, so a hot key costs no Redis round trip.
 *
 * <p>Correctness comes from invalidation, not from the TTL: every write to the shared store
 * publishes the key's id (see {@link RedisKeyStore#invalidationChannel()}) and an invalidation
 * listener calls {@link #invalidate(String)} on every instance. The cache is only used while
 * that listener is subscribed ({@link #connected()}); while it is not, messages may be missed, so
 * reads go straight to the store and nothing is cached. {@code maxStaleness} is a safety net for
 * a subscription that died silently, never the mechanism.
 *
 * <p>Races: a load runs inside the cache's per-entry compute, and {@code invalidate} of the same
 * id waits for it and then removes what it loaded, so an invalidation that arrives while a stale
 * read is in flight still wins. A connection change during a load is caught by an epoch check.
 *
 * <p>Reads for administration (GetKey, the read of a compare-and-set update) must see the
 * store's latest state and usage counts: they use {@link #authoritative()}.
 */
public final class CachingKeyStore implements KeyStore {

  /**
   * @param maxKeys most records (positive and negative) held
   * @param maxStaleness longest a cached record is served without a re-read
   * @param negativeTtl how long "no such key" is remembered; zero = never cached
   */
  public record Settings(long maxKeys, Duration maxStaleness, Duration negativeTtl) {
    public Settings {
      if (maxKeys < 1 || maxStaleness.isNegative() || maxStaleness.isZero()
          || negativeTtl.isNegative()) {
        throw new IllegalArgumentException("cache settings out of range");
      }
    }
  }

  private final KeyStore delegate;
  private final Cache<String, Optional<ApiKeyRecord>> cache;
  private final AtomicLong epoch = new AtomicLong();
  private final Authoritative authoritative = new Authoritative();
  private final LongAdder invalidationsReceived = new LongAdder();
  private volatile boolean live;
  private volatile AutoCloseable listener;

  /** A cache that serves nothing until {@link #connected()} is called. */
  public CachingKeyStore(KeyStore delegate, Settings settings, Ticker ticker) {
    this.delegate = delegate;
    long positiveNanos = settings.maxStaleness().toNanos();
    long negativeNanos = settings.negativeTtl().toNanos();
    this.cache = Caffeine.newBuilder()
        .maximumSize(settings.maxKeys())
        .ticker(ticker)
        .expireAfter(new ByOutcome(positiveNanos, negativeNanos))
        .recordStats()
        .build();
  }

  /** Ties the invalidation listener's lifetime to this store's: closed before the delegate. */
  public void attach(AutoCloseable invalidationListener) {
    this.listener = invalidationListener;
  }

  // ---------------------------------------------------------------- invalidation

  /** Drops one id named by an invalidation message. */
  public void invalidate(String id) {
    cache.invalidate(id);
    invalidationsReceived.increment();
  }

  /** Invalidation messages handled so far (tests wait on it; a metric later). */
  public long invalidationsReceived() {
    return invalidationsReceived.sum();
  }

  /** The listener is subscribed: from now on no write can go unnoticed, so caching may start. */
  public void connected() {
    epoch.incrementAndGet();
    // anything cached before a gap in the subscription may have missed its invalidation
    cache.invalidateAll();
    live = true;
  }

  /** The listener lost its subscription: stop trusting (and filling) the cache. */
  public void disconnected() {
    live = false;
    epoch.incrementAndGet();
    cache.invalidateAll();
  }

  /** True while invalidations are being received and the cache is in use. */
  public boolean isLive() {
    return live;
  }

  /** Hits, misses and evictions since start (for tests and metrics). */
  public com.github.benmanes.caffeine.cache.stats.CacheStats stats() {
    return cache.stats();
  }

  /** Records and negative entries currently held. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** This store without the cache for reads; writes still invalidate. */
  public KeyStore authoritative() {
    return authoritative;
  }

  /** The store behind the cache, for what it offers besides keys (e.g. shared rate limits). */
  public KeyStore backing() {
    return delegate;
  }

  // ---------------------------------------------------------------- KeyStore

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    if (!live) {
      return delegate.find(id);
    }
    long before = epoch.get();
    // StoreUnavailableException propagates out of the loader and nothing is cached
    Optional<ApiKeyRecord> found = cache.get(id, delegate::find);
    if (epoch.get() != before || !live) {
      // the subscription changed while we loaded: the value may have missed an invalidation
      cache.invalidate(id);
    }
    return found;
  }

  @Override
  public CreateOutcome create(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    try {
      return delegate.create(key, requestId, maxActiveKeys, now);
    } finally {
      // read-your-writes here even before our own invalidation message comes back
      cache.invalidate(key.id());
    }
  }

  @Override
  public boolean replace(ApiKeyRecord updated, long expectedVersion) {
    try {
      return delegate.replace(updated, expectedVersion);
    } finally {
      cache.invalidate(updated.id());
    }
  }

  @Override
  public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    return delegate.list(project, pageToken, pageSize, includeRevoked);
  }

  @Override
  public void recordUsage(Collection<UsageDelta> deltas) {
    // usage counts are not part of any decision: cached records keep their old counts
    delegate.recordUsage(deltas);
  }

  @Override
  public boolean ping() {
    return delegate.ping();
  }

  @Override
  public String describe() {
    return delegate.describe() + ", cached";
  }

  @Override
  public void close() {
    live = false;
    AutoCloseable l = listener;
    if (l != null) {
      try {
        l.close();
      } catch (Exception e) {
        // closing a listener cannot usefully fail; the delegate must still close
      }
    }
    delegate.close();
  }

  /** Reads from the store itself; writes go through the cache so they invalidate. */
  private final class Authoritative implements KeyStore {
    @Override
    public Optional<ApiKeyRecord> find(String id) {
      return delegate.find(id);
    }

    @Override
    public CreateOutcome create(ApiKeyRecord key, String requestId, int maxActive, Instant now) {
      return CachingKeyStore.this.create(key, requestId, maxActive, now);
    }

    @Override
    public boolean replace(ApiKeyRecord updated, long expectedVersion) {
      return CachingKeyStore.this.replace(updated, expectedVersion);
    }

    @Override
    public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
      return delegate.list(project, pageToken, pageSize, includeRevoked);
    }

    @Override
    public void recordUsage(Collection<UsageDelta> deltas) {
      delegate.recordUsage(deltas);
    }

    @Override
    public boolean ping() {
      return delegate.ping();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      CachingKeyStore.this.close();
    }
  }

  /** Records live up to maxStaleness, "no such key" up to negativeTtl; reads do not extend. */
  private record ByOutcome(long positiveNanos, long negativeNanos)
      implements Expiry<String, Optional<ApiKeyRecord>> {
    @Override
    public long expireAfterCreate(String id, Optional<ApiKeyRecord> value, long now) {
      return value.isPresent() ? positiveNanos : negativeNanos;
    }

    @Override
    public long expireAfterUpdate(
        String id, Optional<ApiKeyRecord> value, long now, long currentDuration) {
      return expireAfterCreate(id, value, now);
    }

    @Override
    public long expireAfterRead(
        String id, Optional<ApiKeyRecord> value, long now, long currentDuration) {
      return currentDuration;
    }
  }
}
