package dev.keygate.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.config.Durations;
import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Redis last returned for each id, kept for {@code KEYGATE_REDIS_STALE_MAX_AGE} after the
 * read, so that with {@code KEYGATE_REDIS_FAILURE=stale} a read Redis cannot answer is answered as
 * Redis last described the key (a revoked key stays revoked; an unknown id is never remembered, so
 * it still fails). Dropped by the same invalidations as the cache, and all at once when the
 * subscription is re-established; a racing invalidation always wins over a read in flight.
 */
final class ConfirmedRecords {
  private static final Logger log = LoggerFactory.getLogger(ConfirmedRecords.class);

  private final Cache<String, ApiKeyRecord> records;
  private final Duration maxAge;
  // bumped by every invalidation, so a read racing one does not leave its record behind
  private final AtomicLong generation = new AtomicLong();
  private final LongAdder answers = new LongAdder();
  private final AtomicBoolean answering = new AtomicBoolean();

  /**
   * @param maxAge how long a record may answer for its id; zero = never (fail closed)
   */
  ConfirmedRecords(long maxKeys, Duration maxAge, Ticker ticker) {
    this.maxAge = maxAge;
    this.records =
        Caffeine.newBuilder()
            .maximumSize(maxAge.isZero() ? 0 : maxKeys)
            .ticker(ticker)
            .expireAfterWrite(maxAge.isZero() ? Duration.ofNanos(1) : maxAge)
            .build();
  }

  /** True when stale answers are on. */
  boolean enabled() {
    return !maxAge.isZero();
  }

  /** Remembers what a read of {@code id}, started at {@code generationBefore}, returned. */
  Optional<ApiKeyRecord> confirmed(String id, long generationBefore, Optional<ApiKeyRecord> found) {
    if (answering.compareAndSet(true, false)) {
      log.info("key store answering again: stale answers stopped");
    }
    if (found.isEmpty()) {
      records.invalidate(id);
      return found;
    }
    records.put(id, found.get());
    if (generation.get() != generationBefore) {
      // an invalidation (or a reconnect) may have happened after our read: never keep a record
      // that might predate a revocation
      records.invalidate(id);
    }
    return found;
  }

  /** The generation a read must capture before it starts. */
  long generation() {
    return generation.get();
  }

  /** The record Redis last confirmed for {@code id} when the store failed, else the failure. */
  CompletableFuture<Optional<ApiKeyRecord>> orFailure(String id, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    ApiKeyRecord stale =
        cause instanceof StoreUnavailableException ? records.getIfPresent(id) : null;
    if (stale == null) {
      return CompletableFuture.failedFuture(cause);
    }
    answers.increment();
    if (answering.compareAndSet(false, true)) {
      log.warn(
          "key store unreachable: answering for keys it confirmed within the last {} "
              + "(KEYGATE_REDIS_FAILURE=stale), every other key gets STORE_UNAVAILABLE",
          Durations.format(maxAge));
    }
    return CompletableFuture.completedFuture(Optional.of(stale));
  }

  /** Forgets one id (an invalidation). */
  void forget(String id) {
    // bump first: a read that started before this point then sees the change and drops its put
    generation.incrementAndGet();
    records.invalidate(id);
  }

  /** Forgets every id (a gap in the subscription). */
  void forgetAll() {
    generation.incrementAndGet();
    records.invalidateAll();
  }

  /** Reads answered from a remembered record because Redis could not answer. */
  long answers() {
    return answers.sum();
  }
}
