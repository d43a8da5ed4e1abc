package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static dev.keygate.store.KeyStoreContract.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.RedisServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Concurrent misses share pipelined round trips, several batches fly at once, and every bound
 * answers at once: on a private redis-server (so its statistics count only this test's traffic). To
 * make "concurrent" certain rather than likely, Redis is SIGSTOPped while reads are in flight and
 * the others queue behind them; no duration is asserted.
 */
class BatchingKeyReaderTest {
  private static final int N = 48;

  private final RedisServer redis = RedisServer.start();
  private final RedisKeyStore store =
      RedisKeyStore.connect(redis.url(), Duration.ofSeconds(30), "kgbatch");

  /** One batch in flight at a time: what queues behind it is certain. */
  private final BatchingKeyReader batching = reader(store, 1024, 1);

  private final List<AutoCloseable> closing = new ArrayList<>();

  /** A reader without stall detection (a minute), so what flies at once is up to the test. */
  private static BatchingKeyReader reader(RedisKeyStore store, int maxPending, int inFlight) {
    return reader(store, maxPending, inFlight, Duration.ofMinutes(1));
  }

  private static BatchingKeyReader reader(
      RedisKeyStore store, int maxPending, int inFlight, Duration stallAfter) {
    return new BatchingKeyReader(
        store,
        new BatchingKeyReader.Settings(
            maxPending, inFlight, 128, Duration.ofSeconds(60), stallAfter),
        store.circuit());
  }

  private CompletableFuture<Optional<ApiKeyRecord>> read(BatchingKeyReader r, String id) {
    return r.lookup(id, Deadline.none());
  }

  @AfterEach
  void close() throws Exception {
    redis.resume();
    batching.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
    store.close();
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
  void lookup_concurrentMisses_oneRoundTripAndEachCallerGetsItsOwnKey() throws Exception {
    List<ApiKeyRecord> keys = createKeys(N);
    read(batching, keys.get(0).id()).get(); // the pool's connection exists before counting starts
    long hgetallBefore = info("commandstats", "hgetall");
    long readsBefore = info("stats", "total_reads_processed");
    long tripsBefore = batching.roundTrips();

    redis.pause();
    List<CompletableFuture<Optional<ApiKeyRecord>>> results = new ArrayList<>();
    results.add(read(batching, keys.get(0).id()));
    // the first read is in flight (sent, no reply: Redis is stopped) ...
    Eventually.await(
        "first read taken",
        () -> batching.batchesStarted() == tripsBefore + 1 && batching.queued() == 0);
    for (int i = 1; i < N; i++) {
      results.add(read(batching, keys.get(i).id()));
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
  void lookup_duplicatesAndUnknownIdsInOneBatch_eachAnswered() throws Exception {
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
    List<CompletableFuture<Optional<ApiKeyRecord>>> results = new ArrayList<>();
    results.add(read(batching, keys.get(1).id()));
    Eventually.await(
        "first read taken",
        () -> batching.batchesStarted() == tripsBefore + 1 && batching.queued() == 0);
    String[] ids = {keys.get(0).id(), "nosuchid0000", keys.get(0).id(), keys.get(1).id()};
    for (String id : ids) {
      results.add(read(batching, id));
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
  void lookup_failedRoundTrip_failsItsReadsAndTheNextOneWorks() throws Exception {
    List<ApiKeyRecord> keys = createKeys(1);
    RedisKeyStore fast = RedisKeyStore.connect(redis.url(), Duration.ofMillis(200), "kgbatch");
    closing.add(fast);
    BatchingKeyReader b = reader(fast, 16, 2);
    closing.add(b);
    redis.pause();
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> read(b, keys.get(0).id()).get());
    assertInstanceOf(StoreUnavailableException.class, failed.getCause());
    redis.resume();
    Eventually.await("Redis answers again", fast::ping);
    assertEquals(keys.get(0).id(), read(b, keys.get(0).id()).get().orElseThrow().id());
  }

  @Test
  void lookup_severalBatchesInFlight_aSlowOneDoesNotHoldTheOthers() throws Exception {
    List<ApiKeyRecord> keys = createKeys(6);
    BatchingKeyReader b = reader(store, 64, 4);
    closing.add(b);
    read(b, keys.get(0).id()).get();
    long before = b.batchesStarted();
    redis.pause();
    List<CompletableFuture<Optional<ApiKeyRecord>>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(read(b, keys.get(i).id()));
      long started = before + i + 1;
      // each read starts a batch of its own while fewer than 4 are in flight
      Eventually.await("batch " + started + " in flight", () -> b.batchesStarted() == started);
    }
    results.add(read(b, keys.get(4).id()));
    results.add(read(b, keys.get(5).id()));
    assertEquals(2, b.queued(), "a fifth and sixth read wait: four batches are in flight");
    redis.resume();
    for (int i = 0; i < 6; i++) {
      assertEquals(keys.get(i).id(), results.get(i).get(30, TimeUnit.SECONDS).orElseThrow().id());
    }
    assertEquals(5, b.batchesStarted() - before, "four single reads, then one batch of two");
  }

  @Test
  void lookup_redisStalled_nothingMoreIsSentUntilTheStalledBatchEnds() throws Exception {
    List<ApiKeyRecord> keys = createKeys(3);
    BatchingKeyReader b = reader(store, 64, 4, Duration.ofMillis(20));
    closing.add(b);
    read(b, keys.get(0).id()).get();
    long before = b.batchesStarted();
    long hgetallBefore = info("commandstats", "hgetall");
    redis.pause();
    CompletableFuture<Optional<ApiKeyRecord>> first = read(b, keys.get(0).id());
    Eventually.await("first batch in flight", () -> b.batchesStarted() == before + 1);
    Thread.sleep(100); // the batch is now in flight longer than stallAfter: Redis is stalled
    CompletableFuture<Optional<ApiKeyRecord>> second = read(b, keys.get(1).id());
    CompletableFuture<Optional<ApiKeyRecord>> hurried =
        b.lookup(keys.get(2).id(), Deadline.after(Duration.ofMillis(30)));
    // three slots are free, but nothing more is sent into a stalled Redis
    assertEquals(2, b.queued());
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> hurried.get(30, TimeUnit.SECONDS));
    assertInstanceOf(StoreUnavailableException.class, e.getCause());
    assertEquals(before + 1, b.batchesStarted());
    redis.resume();
    assertEquals(keys.get(0).id(), first.get(30, TimeUnit.SECONDS).orElseThrow().id());
    assertEquals(keys.get(1).id(), second.get(30, TimeUnit.SECONDS).orElseThrow().id());
    Eventually.await("queue drained", () -> b.outstanding() == 0);
    // the stalled read and the one that waited for it; the hurried one was never sent
    assertEquals(2, info("commandstats", "hgetall") - hgetallBefore);
    assertEquals(1, b.droppedExpired());
  }

  @Test
  void lookup_beyondMaxPending_refusedAtOnceWithoutQueueing() throws Exception {
    List<ApiKeyRecord> keys = createKeys(4);
    BatchingKeyReader b = reader(store, 3, 1);
    closing.add(b);
    redis.pause();
    List<CompletableFuture<Optional<ApiKeyRecord>>> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      admitted.add(read(b, keys.get(i).id()));
    }
    CompletableFuture<Optional<ApiKeyRecord>> refused = read(b, keys.get(3).id());
    // answered on return, before Redis says anything
    assertTrue(refused.isCompletedExceptionally());
    ExecutionException e = assertThrows(ExecutionException.class, refused::get);
    assertInstanceOf(StoreUnavailableException.class, e.getCause());
    assertEquals(1, b.rejectedFull());
    assertEquals(3, b.outstanding());
    redis.resume();
    for (int i = 0; i < 3; i++) {
      assertEquals(keys.get(i).id(), admitted.get(i).get(30, TimeUnit.SECONDS).orElseThrow().id());
    }
    Eventually.await("permits given back", () -> b.outstanding() == 0);
    assertEquals(keys.get(3).id(), read(b, keys.get(3).id()).get().orElseThrow().id());
  }

  @Test
  void lookup_deadlinePassedWhileQueued_answeredByItsDeadlineAndNeverSent() throws Exception {
    List<ApiKeyRecord> keys = createKeys(2);
    read(batching, keys.get(0).id()).get();
    long hgetallBefore = info("commandstats", "hgetall");
    long batchesBefore = batching.batchesStarted();
    redis.pause();
    CompletableFuture<Optional<ApiKeyRecord>> blocking = read(batching, keys.get(0).id());
    Eventually.await("first read in flight", () -> batching.batchesStarted() == batchesBefore + 1);
    CompletableFuture<Optional<ApiKeyRecord>> hurried =
        batching.lookup(keys.get(1).id(), Deadline.after(Duration.ofMillis(50)));
    // the deadline answers it although Redis is stopped and the batch ahead still waits
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> hurried.get(30, TimeUnit.SECONDS));
    assertInstanceOf(StoreUnavailableException.class, e.getCause());
    assertTrue(!blocking.isDone(), "the read ahead is still waiting for Redis");
    redis.resume();
    assertEquals(keys.get(0).id(), blocking.get(30, TimeUnit.SECONDS).orElseThrow().id());
    Eventually.await("the queue is drained", () -> batching.outstanding() == 0);
    assertEquals(1, batching.droppedExpired());
    // only the blocking read reached Redis: the hurried one was dropped before its batch was sent
    assertEquals(1, info("commandstats", "hgetall") - hgetallBefore);
  }

  @Test
  void lookup_breakerOpen_failsAtOnceAndClosesWhenRedisIsBack() throws Exception {
    List<ApiKeyRecord> keys = createKeys(1);
    RedisKeyStore fast =
        RedisKeyStore.connect(
            RedisEndpoint.parse(redis.url()),
            Duration.ofMillis(100),
            "kgbatch",
            new RedisBounds(Duration.ofMillis(300), 64, 2));
    closing.add(fast);
    BatchingKeyReader b = fast.reader();
    assertEquals(keys.get(0).id(), read(b, keys.get(0).id()).get().orElseThrow().id());
    redis.pause();
    // reads time out until the breaker has seen enough failures to open
    Eventually.await(
        "breaker open",
        () -> {
          read(b, keys.get(0).id()).handle((r, e) -> null).join();
          return fast.circuit().rejectsNow();
        });
    long rejectedBefore = fast.circuit().rejected();
    CompletableFuture<Optional<ApiKeyRecord>> fastFail = read(b, keys.get(0).id());
    assertTrue(fastFail.isCompletedExceptionally(), "refused on return, nothing queued");
    assertEquals(rejectedBefore + 1, fast.circuit().rejected());
    assertEquals(0, b.queued());
    redis.resume();
    // after the open period a probe goes through and the breaker closes again
    Eventually.await(
        "a read answered again",
        () -> read(b, keys.get(0).id()).handle((r, e) -> r != null && r.isPresent()).join());
  }

  @Test
  void lookup_burstDueForAProbe_allButTheProbeRefusedWithoutWaiting() throws Exception {
    List<ApiKeyRecord> keys = createKeys(1);
    RedisKeyStore slow =
        RedisKeyStore.connect(
            RedisEndpoint.parse(redis.url()),
            Duration.ofSeconds(2),
            "kgbatch",
            new RedisBounds(Duration.ofMillis(200), 64, 2));
    closing.add(slow);
    BatchingKeyReader b = slow.reader();
    assertEquals(keys.get(0).id(), read(b, keys.get(0).id()).get().orElseThrow().id());
    redis.pause();
    // one read times out: a timed-out call opens the circuit at once
    read(b, keys.get(0).id()).handle((r, e) -> null).join();
    // the caller is answered by its wait limit; the breaker opens when the call itself gives up
    Eventually.await(
        "circuit open", () -> slow.circuit().breaker().getState() == CircuitBreaker.State.OPEN);
    Eventually.await("due for a probe", () -> !slow.circuit().rejectsNow());
    // a burst: the first read becomes the probe (and waits up to 2 s on the hung Redis); the
    // others, queued before or after it, are refused without waiting for it
    long rejectedBefore = slow.circuit().rejected();
    List<CompletableFuture<Optional<ApiKeyRecord>>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      burst.add(read(b, keys.get(0).id()));
    }
    Eventually.await(
        "all but the probe refused",
        () -> burst.stream().filter(CompletableFuture::isDone).count() == 19);
    assertEquals(1, burst.stream().filter(f -> !f.isDone()).count(), "the probe still waits");
    // each refused read is counted once, however it was refused (at lookup or behind the probe)
    assertEquals(19, slow.circuit().rejected() - rejectedBefore);
    for (CompletableFuture<Optional<ApiKeyRecord>> f : burst) {
      if (f.isDone()) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
      }
    }
    redis.resume();
  }

  @Test
  void lookup_closedReader_refuses() throws Exception {
    RedisKeyStore other = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kgbatch");
    closing.add(other);
    BatchingKeyReader b = reader(other, 16, 1);
    b.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> read(b, "abc").get());
    assertInstanceOf(StoreUnavailableException.class, e.getCause());
  }
}
