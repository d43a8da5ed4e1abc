package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cache's time limits, on a clock the test moves: a record is served at most {@code
 * maxStaleness} and "no such key" at most {@code negativeTtl} without a re-read. The cache here
 * hears no invalidations (its listener is never started; it is marked subscribed by hand), so what
 * changes it sees after a step of the clock, time changed. Writes go through a second, uncached
 * store on the same namespace.
 */
@ExtendWith(RedisServerExtension.class)
class CacheExpiryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration MAX_STALENESS = Duration.ofSeconds(30);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(2);

  private final FakeTicker ticker = new FakeTicker();
  private final RedisKeyStore writer;
  private final CachingKeyStore cache;

  CacheExpiryTest(TestRedis redis) {
    String namespace = redis.newNamespace();
    writer = RedisKeyStore.connect(redis.url(), TIMEOUT, namespace);
    cache =
        new CachingKeyStore(
            RedisKeyStore.connect(redis.url(), TIMEOUT, namespace),
            new CachingKeyStore.Settings(1_000, MAX_STALENESS, NEGATIVE_TTL),
            ticker);
    cache.connected();
  }

  @AfterEach
  void close() {
    cache.close();
    writer.close();
  }

  @Test
  void find_recordChangedUnheard_servedUntilMaxStalenessThenReRead() {
    ApiKeyRecord key = key("exp000000001", "proj", T0);
    writer.create(key, "", 100, T0);
    assertFalse(cache.find(key.id()).orElseThrow().isRevoked());
    assertTrue(writer.replace(revoked(key, T0), key.version()));

    ticker.advance(MAX_STALENESS.minusMillis(1));
    long hits = cache.stats().hitCount();
    assertFalse(cache.find(key.id()).orElseThrow().isRevoked(), "still within maxStaleness");
    assertEquals(hits + 1, cache.stats().hitCount());

    ticker.advance(Duration.ofMillis(1));
    assertTrue(cache.find(key.id()).orElseThrow().isRevoked(), "re-read at maxStaleness");
  }

  @Test
  void find_unknownIdCreatedUnheard_absentUntilNegativeTtlThenFound() {
    ApiKeyRecord key = key("exp000000002", "proj", T0);
    assertEquals(Optional.empty(), cache.find(key.id()));
    writer.create(key, "", 100, T0);

    ticker.advance(NEGATIVE_TTL.minusMillis(1));
    assertEquals(Optional.empty(), cache.find(key.id()), "still within the negative TTL");

    ticker.advance(Duration.ofMillis(1));
    assertEquals(key.id(), cache.find(key.id()).orElseThrow().id(), "re-read at the negative TTL");
  }

  @Test
  void find_readsDoNotExtendTheEntry() {
    ApiKeyRecord key = key("exp000000003", "proj", T0);
    writer.create(key, "", 100, T0);
    cache.find(key.id());
    assertTrue(writer.replace(revoked(key, T0), key.version()));
    // a hit every 10 s: if reads extended the entry it would never be re-read
    for (int i = 0; i < 2; i++) {
      ticker.advance(Duration.ofSeconds(10));
      assertFalse(cache.find(key.id()).orElseThrow().isRevoked());
    }
    ticker.advance(Duration.ofSeconds(10));
    assertTrue(cache.find(key.id()).orElseThrow().isRevoked());
  }
}
