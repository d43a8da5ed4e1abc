package dev.keygate.store;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.keygate.audit.AuditEvent;
import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyStore} that keeps verified key records (and, briefly, "no such key") in a bounded
 * in-process Caffeine cache, so a hot key costs no Redis round trip.
 *
 * <p>Correctness comes from invalidation, not from the TTL: every write to the shared store
 * publishes the key's id (see {@link RedisKeyStore#invalidationChannel()}) and an invalidation
 * listener calls {@link #invalidate(String)} on every instance. The cache is only used while that
 * listener is subscribed ({@link #connected()}); while it is not, messages may be missed, so reads
 * go straight to the store and nothing is cached. {@code maxStaleness} is a safety net for a
 * subscription that died silently, never the mechanism.
 *
 * <p>Races: a load in flight is the cache's entry for its id (a Caffeine {@code AsyncCache}), and
 * {@code invalidate} of the same id removes it, so what a read racing an invalidation returns is
 * handed to the callers that were already waiting for it but never cached: the invalidation wins. A
 * connection change empties the cache, loads in flight included, the same way.
 *
 * <p>Reads for administration (GetKey, the read of a compare-and-set update) must see the store's
 * latest state and usage counts: they use {@link #authoritative()}.
 *
 * <p>With a {@linkplain Settings#staleMaxAge() stale max age} ({@code KEYGATE_REDIS_FAILURE=stale})
 * the store also remembers, per id, the last record Redis returned, for that long after the read.
 * When Redis cannot answer a read, that record is returned instead of the failure: only ids Redis
 * confirmed recently, and only as Redis last described them (a revoked key stays revoked; an
 * unknown id is never remembered, so it still fails). These records are dropped by the same
 * invalidations as the cache and all at once when the subscription is re-established (messages may
 * have been missed in the gap); a racing invalidation always wins over a read in flight.
 */
public final class CachingKeyStore implements KeyStore, KeyLookup {
  private static final Logger log = LoggerFactory.getLogger(CachingKeyStore.class);

  /**
   * @param maxKeys most records (positive and negative) held
   * @param maxStaleness longest a cached record is served without a re-read
   * @param negativeTtl how long "no such key" is remembered; zero = never cached
   */
  public record Settings(
      long maxKeys, Duration maxStaleness, Duration negativeTtl, Duration staleMaxAge) {
    /**
     * @param staleMaxAge how long a record Redis returned may answer reads Redis cannot; zero =
     *     never (fail closed)
     */
    public Settings {
      if (maxKeys < 1
          || maxStaleness.isNegative()
          || maxStaleness.isZero()
          || negativeTtl.isNegative()
          || staleMaxAge.isNegative()) {
        throw new IllegalArgumentException("cache settings out of range");
      }
    }

    /** Fail closed: no stale answers. */
    public Settings(long maxKeys, Duration maxStaleness, Duration negativeTtl) {
      this(maxKeys, maxStaleness, negativeTtl, Duration.ZERO);
    }
  }

  private final KeyStore delegate;
  private final KeyLookup reader;
  private final AsyncCache<String, Optional<ApiKeyRecord>> cache;
  private final Authoritative authoritative = new Authoritative();
  private final LongAdder invalidationsReceived = new LongAdder();
  // last record Redis returned per id, for stale answers; null when failing closed
  private final ConfirmedRecords confirmed;
  // bumped by every invalidation, so a read racing one does not leave its record behind
  private volatile boolean live;
  private volatile AutoCloseable listener;

  /**
   * A cache that reads {@code delegate} on the calling thread (tests, stores that never block);
   * serves nothing until {@link #connected()} is called.
   */
  public CachingKeyStore(KeyStore delegate, Settings settings, Ticker ticker) {
    this(delegate, KeyLookup.inline(delegate), settings, ticker);
  }

  /**
   * A cache over {@code reader} for the decision path's reads; writes and authoritative reads go to
   * {@code delegate}. Serves nothing until {@link #connected()} is called.
   */
  public CachingKeyStore(KeyStore delegate, KeyLookup reader, Settings settings, Ticker ticker) {
    this.delegate = delegate;
    this.reader = reader;
    long positiveNanos = settings.maxStaleness().toNanos();
    long negativeNanos = settings.negativeTtl().toNanos();
    // a load in flight is shared by every caller of its id; a failed one is dropped at once.
    // Maintenance runs on the caller's thread: no pool of Caffeine's own.
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(settings.maxKeys())
            .ticker(ticker)
            .executor(Runnable::run)
            .expireAfter(new ByOutcome(positiveNanos, negativeNanos))
            .recordStats()
            .buildAsync();
    this.confirmed = new ConfirmedRecords(settings.maxKeys(), settings.staleMaxAge(), ticker);
  }

  /** Ties the invalidation listener's lifetime to this store's: closed before the delegate. */
  public void attach(AutoCloseable invalidationListener) {
    this.listener = invalidationListener;
  }

  // ---------------------------------------------------------------- invalidation

  /** Drops one id named by an invalidation message. */
  public void invalidate(String id) {
    cache.synchronous().invalidate(id);
    confirmed.forget(id);
    invalidationsReceived.increment();
  }

  /** Invalidation messages handled so far (tests wait on it; a metric later). */
  public long invalidationsReceived() {
    return invalidationsReceived.sum();
  }

  /** The listener is subscribed: from now on no write can go unnoticed, so caching may start. */
  public void connected() {
    // anything cached before a gap in the subscription may have missed its invalidation
    cache.synchronous().invalidateAll();
    confirmed.forgetAll();
    live = true;
  }

  /** The listener lost its subscription: stop trusting (and filling) the cache. */
  public void disconnected() {
    live = false;
    cache.synchronous().invalidateAll();
  }

  /** True while invalidations are being received and the cache is in use. */
  public boolean isLive() {
    return live;
  }

  /** Hits, misses and evictions since start (for tests and metrics). */
  public CacheStats stats() {
    return cache.synchronous().stats();
  }

  /** Records and negative entries currently held. */
  public long size() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }

  /**
   * The store behind the cache, for what it offers besides keys (wiring, metrics, shared rate
   * limits); reads through it skip the cache.
   */
  @Override
  public KeyStore delegate() {
    return delegate;
  }

  /** This store without the cache for reads; writes still invalidate. */
  public KeyStore authoritative() {
    return authoritative;
  }

  // ---------------------------------------------------------------- KeyStore

  /** Reads answered from a stale record because Redis could not answer (tests, metrics). */
  public long staleAnswers() {
    return confirmed.answers();
  }

  /** The decision path reads through the cache. */
  @Override
  public KeyLookup reader() {
    return this;
  }

  /**
   * The decision path's read: a cached answer completes at once, on the calling thread; a miss
   * reads {@code reader} (concurrent misses of one id share its read) and completes when it
   * answers. With stale answers on, a read Redis cannot answer falls back to the record Redis last
   * confirmed for the id.
   */
  @Override
  public CompletableFuture<Optional<ApiKeyRecord>> lookup(String id, Deadline deadline) {
    CompletableFuture<Optional<ApiKeyRecord>> current = lookupCurrent(id, deadline);
    if (!confirmed.enabled() || (current.isDone() && !current.isCompletedExceptionally())) {
      return current;
    }
    return current.exceptionallyCompose(e -> confirmed.orFailure(id, e));
  }

  /**
   * The cached read, blocking until it is answered: for tests and tools. The decision path uses
   * {@link #lookup}, which never blocks.
   */
  @Override
  public Optional<ApiKeyRecord> find(String id) {
    try {
      return lookup(id, Deadline.none()).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private CompletableFuture<Optional<ApiKeyRecord>> lookupCurrent(String id, Deadline deadline) {
    if (!live) {
      return load(id, deadline);
    }
    // a failed load propagates to its callers and nothing is cached. A load in flight when the
    // subscription changes was removed by that change's invalidateAll: what it read is handed to
    // its callers but never cached
    CompletableFuture<Optional<ApiKeyRecord>> found =
        cache.get(id, (k, executor) -> load(k, deadline));
    return found;
  }

  /** Reads the store and, for stale answers later, remembers what it said. */
  private CompletableFuture<Optional<ApiKeyRecord>> load(String id, Deadline deadline) {
    if (!confirmed.enabled()) {
      return reader.lookup(id, deadline);
    }
    long generation = confirmed.generation();
    return reader
        .lookup(id, deadline)
        .thenApply(found -> confirmed.confirmed(id, generation, found));
  }

  @Override
  public CreateOutcome create(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    try {
      return delegate.create(key, requestId, maxActiveKeys, now, event);
    } finally {
      // read-your-writes here even before our own invalidation message comes back
      cache.synchronous().invalidate(key.id());
      confirmed.forget(key.id());
    }
  }

  @Override
  public boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
    try {
      return delegate.replace(updated, expectedVersion, event);
    } finally {
      cache.synchronous().invalidate(updated.id());
      confirmed.forget(updated.id());
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
    public CreateOutcome create(
        ApiKeyRecord key,
        String requestId,
        int maxActive,
        Instant now,
        Optional<AuditEvent> event) {
      return CachingKeyStore.this.create(key, requestId, maxActive, now, event);
    }

    @Override
    public boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
      return CachingKeyStore.this.replace(updated, expectedVersion, event);
    }

    @Override
    public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
      return delegate.list(project, pageToken, pageSize, includeRevoked);
    }

    @Override
    public java.util.OptionalLong reserveActive(
        String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
      return delegate.reserveActive(project, id, expiresAt, maxActiveKeys, now);
    }

    @Override
    public void confirmDurable(String id) {
      delegate.confirmDurable(id);
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
