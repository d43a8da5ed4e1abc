package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static dev.keygate.store.KeyStoreContract.revoked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code KEYGATE_REDIS_FAILURE=stale} at the store: while a real Redis is down, only records Redis
 * returned within the max age answer, exactly as Redis last described them; unknown ids, ids never
 * read and ids invalidated in the meantime still fail. The caches' clocks are fake, so only the
 * test ages a record.
 */
class StaleRecordsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

  // append-only, so a restart brings the keys back and only the subscription gap is tested
  private final RedisServer redis = RedisServer.start("--appendonly", "yes");
  private final FakeTicker ticker = new FakeTicker();

  @AfterEach
  void stop() {
    redis.close();
  }

  private CachingKeyStore open(Duration staleMaxAge) {
    RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, "kg");
    CachingKeyStore cache =
        new CachingKeyStore(
            store,
            new CachingKeyStore.Settings(
                1_000, Duration.ofHours(1), Duration.ofSeconds(1), staleMaxAge),
            ticker);
    store.listenForInvalidations(cache);
    Eventually.await("invalidation subscription", cache::isLive);
    return cache;
  }

  /** Creates through {@code cache} and waits for its own invalidation message to come back. */
  private static void create(CachingKeyStore cache, ApiKeyRecord key) {
    long before = cache.invalidationsReceived();
    cache.create(key, "", 100, T0);
    Eventually.await("own invalidation", () -> cache.invalidationsReceived() > before);
  }

  private static void revoke(CachingKeyStore cache, ApiKeyRecord key) {
    long before = cache.invalidationsReceived();
    assertTrue(cache.replace(revoked(key, T0), key.version()));
    Eventually.await("own invalidation", () -> cache.invalidationsReceived() > before);
  }

  private void killAndAwaitNoticed(CachingKeyStore... caches) {
    redis.kill();
    for (CachingKeyStore cache : caches) {
      Eventually.await("listener notices", () -> !cache.isLive());
    }
  }

  @Test
  void find_redisDown_answersOnlyRecentlyConfirmedRecords() {
    try (CachingKeyStore cache = open(MAX_AGE)) {
      ApiKeyRecord active = key("stale0000001", "proj", T0);
      ApiKeyRecord gone = key("stale0000002", "proj", T0);
      ApiKeyRecord neverRead = key("stale0000003", "proj", T0);
      for (ApiKeyRecord k : new ApiKeyRecord[] {active, gone, neverRead}) {
        create(cache, k);
      }
      revoke(cache, gone);
      assertTrue(cache.find(active.id()).isPresent());
      assertTrue(cache.find(gone.id()).orElseThrow().isRevoked());
      assertEquals(Optional.empty(), cache.find("unknown00001"));

      killAndAwaitNoticed(cache);

      assertEquals(active.id(), cache.find(active.id()).orElseThrow().id());
      // as Redis last described it: the revoked key stays revoked
      assertTrue(cache.find(gone.id()).orElseThrow().isRevoked());
      assertThrows(StoreUnavailableException.class, () -> cache.find("unknown00001"));
      assertThrows(StoreUnavailableException.class, () -> cache.find(neverRead.id()));
      assertEquals(2, cache.staleAnswers());

      ticker.advance(MAX_AGE.plusSeconds(1));
      assertThrows(StoreUnavailableException.class, () -> cache.find(active.id()));
    }
  }

  @Test
  void find_redisDownClosedPolicy_neverAnswersFromMemory() {
    try (CachingKeyStore cache = open(Duration.ZERO)) {
      ApiKeyRecord k = key("closed000001", "proj", T0);
      create(cache, k);
      assertTrue(cache.find(k.id()).isPresent());

      killAndAwaitNoticed(cache);

      assertThrows(StoreUnavailableException.class, () -> cache.find(k.id()));
      assertEquals(0, cache.staleAnswers());
    }
  }

  @Test
  void revokedElsewhereBeforeOutage_neverAnsweredStale() {
    try (CachingKeyStore a = open(MAX_AGE);
        CachingKeyStore b = open(MAX_AGE)) {
      ApiKeyRecord k = key("elsewhere001", "proj", T0);
      create(a, k);
      Eventually.await("b handles the create", () -> b.invalidationsReceived() > 0);
      assertTrue(b.find(k.id()).isPresent());
      long before = b.invalidationsReceived();

      assertTrue(a.replace(revoked(k, T0), k.version()));
      Eventually.await("b handles the revocation", () -> b.invalidationsReceived() > before);
      killAndAwaitNoticed(a, b);

      // b had confirmed the key active, but the revocation's invalidation dropped that record
      assertThrows(StoreUnavailableException.class, () -> b.find(k.id()));
    }
  }

  @Test
  void resubscribed_dropsRecordsConfirmedBeforeTheGap() {
    try (CachingKeyStore cache = open(MAX_AGE)) {
      ApiKeyRecord k = key("gap000000001", "proj", T0);
      create(cache, k);
      assertTrue(cache.find(k.id()).isPresent());
      killAndAwaitNoticed(cache);
      assertTrue(cache.find(k.id()).isPresent(), "stale answer during the first outage");

      redis.restart();
      Eventually.await("listener resubscribes", cache::isLive);
      killAndAwaitNoticed(cache);

      // invalidations may have been missed while unsubscribed: the old record is not trusted
      assertThrows(StoreUnavailableException.class, () -> cache.find(k.id()));
    }
  }

  @Test
  void settings_negativeStaleMaxAgeRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new CachingKeyStore.Settings(
                10, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(-1)));
    assertFalse(
        new CachingKeyStore.Settings(10, Duration.ofSeconds(1), Duration.ZERO)
            .staleMaxAge()
            .isNegative());
  }
}
