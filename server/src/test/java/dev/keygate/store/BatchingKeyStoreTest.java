package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Concurrent misses share pipelined round trips, on a private redis-server (so its statistics count
 * only this test's traffic). To make "concurrent" certain rather than likely, Redis is SIGSTOPped
 * while one read is in flight and the others queue behind it; no timing is asserted.
 */
class BatchingKeyStoreTest {
  private static final int N = 48;

  private final RedisServer redis = RedisServer.start();
  private final RedisKeyStore store =
      RedisKeyStore.connect(redis.url(), Duration.ofSeconds(30), "kgbatch");
  private final BatchingKeyStore batching = new BatchingKeyStore(store);
  private final ExecutorService callers = Executors.newFixedThreadPool(N);

  @AfterEach
  void close() throws Exception {
    redis.resume();
    callers.shutdownNow();
    callers.awaitTermination(10, TimeUnit.SECONDS);
    batching.close();
    redis.close();
  }

  private List<ApiKeyRecord> createKeys(int n) {
    List<ApiKeyRecord> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ApiKeyRecord k = key(String.format("batch%07d", i), "acme" + (i % 5), T0);
      store.create(k, null, 100, T0);
      keys.add(k);
    }
    return keys;
  }

  /** A counter from Redis's INFO (one new connection, so one read of its own). */
  private long info(String section, String field) {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      for (String line : jedis.info(section).split("\r?\n")) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim());
        }
        if (line.startsWith("cmdstat_" + field + ":")) {
          String calls = line.substring(line.indexOf("calls=") + 6);
          return Long.parseLong(calls.substring(0, calls.indexOf(',')));
        }
      }
      return 0;
    }
  }

  @Test
  void concurrentMissesArriveInOneRoundTripAndEachCallerGetsItsOwnKey() throws Exception {
    List<ApiKeyRecord> keys = createKeys(N);
    batching.find(keys.get(0).id()); // the pool's connection exists before counting starts
    long hgetallBefore = info("commandstats", "hgetall");
    long readsBefore = info("stats", "total_reads_processed");
    long tripsBefore = batching.roundTrips();

    redis.pause();
    List<Future<Optional<ApiKeyRecord>>> results = new ArrayList<>();
    results.add(callers.submit(() -> batching.find(keys.get(0).id())));
    // the first read is in flight (sent, no reply: Redis is stopped) ...
    Eventually.await(
        "first read taken",
        () -> batching.batchesStarted() == tripsBefore + 1 && batching.queued() == 0);
    for (int i = 1; i < N; i++) {
      String id = keys.get(i).id();
      results.add(callers.submit(() -> batching.find(id)));
    }
    // ... and every other one waits for the next round trip
    Eventually.await("all others queued", () -> batching.queued() == N - 1);
    redis.resume();

    for (int i = 0; i < N; i++) {
      ApiKeyRecord got = results.get(i).get(30, TimeUnit.SECONDS).orElseThrow();
      assertEquals(keys.get(i).id(), got.id(), "caller " + i + " got another caller's key");
      assertEquals(keys.get(i).project(), got.project());
    }
    assertEquals(2, batching.roundTrips() - tripsBefore, "one lone read, then one batch");
    // Redis itself ran every read ...
    assertEquals(N, info("commandstats", "hgetall") - hgetallBefore);
    // ... but received them in a handful of socket reads: the two round trips and the INFO
    // connections of this test, where N separate round trips would be at least N reads
    long socketReads = info("stats", "total_reads_processed") - readsBefore;
    assertTrue(socketReads <= 8, "socket reads " + socketReads + " for " + N + " lookups");
  }

  @Test
  void duplicatesAndUnknownIdsInOneBatch() throws Exception {
    List<ApiKeyRecord> keys = createKeys(2);
    Map<String, Optional<ApiKeyRecord>> found =
        store.findAll(
            List.of(keys.get(0).id(), "nosuchid0000", keys.get(1).id(), keys.get(0).id()));
    assertEquals(
        List.of(keys.get(0).id(), "nosuchid0000", keys.get(1).id()), List.copyOf(found.keySet()));
    assertEquals(Optional.empty(), found.get("nosuchid0000"));
    assertEquals(keys.get(1).name(), found.get(keys.get(1).id()).orElseThrow().name());

    long tripsBefore = batching.batchesStarted();
    redis.pause();
    List<Future<Optional<ApiKeyRecord>>> results = new ArrayList<>();
    results.add(callers.submit(() -> batching.find(keys.get(1).id())));
    Eventually.await(
        "first read taken",
        () -> batching.batchesStarted() == tripsBefore + 1 && batching.queued() == 0);
    String[] ids = {keys.get(0).id(), "nosuchid0000", keys.get(0).id(), keys.get(1).id()};
    for (String id : ids) {
      results.add(callers.submit(() -> batching.find(id)));
    }
    Eventually.await("others queued", () -> batching.queued() == ids.length);
    redis.resume();
    assertEquals(keys.get(1).id(), results.get(0).get(30, TimeUnit.SECONDS).orElseThrow().id());
    assertEquals(keys.get(0).id(), results.get(1).get(30, TimeUnit.SECONDS).orElseThrow().id());
    assertEquals(Optional.empty(), results.get(2).get(30, TimeUnit.SECONDS));
    assertEquals(keys.get(0).id(), results.get(3).get(30, TimeUnit.SECONDS).orElseThrow().id());
    assertEquals(keys.get(1).id(), results.get(4).get(30, TimeUnit.SECONDS).orElseThrow().id());
  }

  @Test
  void aFailedRoundTripFailsItsReadsAndTheNextOneWorks() {
    List<ApiKeyRecord> keys = createKeys(1);
    RedisKeyStore fast = RedisKeyStore.connect(redis.url(), Duration.ofMillis(200), "kgbatch");
    try (BatchingKeyStore b = new BatchingKeyStore(fast)) {
      redis.pause();
      assertThrows(StoreUnavailableException.class, () -> b.find(keys.get(0).id()));
      redis.resume();
      Eventually.await("Redis answers again", fast::ping);
      assertEquals(keys.get(0).id(), b.find(keys.get(0).id()).orElseThrow().id());
    }
  }

  @Test
  void aClosedStoreRefusesReads() {
    RedisKeyStore other = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kgbatch");
    BatchingKeyStore b = new BatchingKeyStore(other);
    b.close();
    assertThrows(StoreUnavailableException.class, () -> b.find("abc"));
  }
}
