package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The store contract on a Redis deployment reached by URL (Sentinel, Cluster), plus the tests of
 * the two-step create that every deployment shares: slots crossed, and the crash repair.
 */
abstract class RedisDeploymentContract extends KeyStoreContract {
  private static final AtomicLong NAMESPACES = new AtomicLong();

  /** The deployment's {@code redis+sentinel://} or {@code redis+cluster://} URL. */
  protected abstract String url();

  /** Starts each test's namespace, so runs on a shared deployment never meet. */
  protected abstract String namespacePrefix();

  @Override
  protected KeyStore newStore() {
    return RedisKeyStore.connect(
        url(),
        Duration.ofSeconds(2),
        namespacePrefix() + NAMESPACES.incrementAndGet() + Long.toString(System.nanoTime(), 36));
  }

  @Test
  void create_keyAndProjectInDifferentSlots() {
    // the contract's ids and projects hash to different slots, so every create above crossed
    // slots; make that explicit for one pair
    ApiKeyRecord k = key("slot00000001", "proj", T0);
    assertTrue(JedisClusterCRC16.getSlot("slot00000001") != JedisClusterCRC16.getSlot("proj"));
    assertEquals(CreateOutcome.created(k.id()), store.create(k, "r", NO_LIMIT, T0));
    assertEquals(k.name(), store.find(k.id()).orElseThrow().name());
  }

  @Test
  void create_crashAfterReserve_repairedByLaterCreate() {
    RedisKeyStore redis = (RedisKeyStore) store;
    ApiKeyRecord lost = key("lost00000001", "proj", T0);
    // step 1 only: as if the sidecar died before writing the record
    assertEquals("RESERVED", redis.creates().reserve(lost, "req-lost", 1, T0).get(0));
    // the reservation holds the only active slot and the request id until it is repaired
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("next00000001", "proj", T0.plusSeconds(1)), null, 1, T0).status());
    assertEquals(
        CreateOutcome.duplicate(lost.id()),
        store.create(key("retr00000001", "proj", T0.plusSeconds(1)), "req-lost", 1, T0));

    java.time.Instant later = T0.plus(redis.creates().repairAfter()).plusSeconds(1);
    ApiKeyRecord next = key("next00000002", "proj", later);
    assertEquals(CreateOutcome.created(next.id()), store.create(next, "req-lost", 1, later));
    assertTrue(store.find(lost.id()).isEmpty());
    assertEquals(1, store.list("proj", "", 10, true).keys().size());
  }

  @Test
  void create_crashAfterRecordWrite_confirmedByRepair() {
    RedisKeyStore redis = (RedisKeyStore) store;
    ApiKeyRecord k = key("half00000001", "proj", T0);
    // steps 1 and 2 of create, then a crash: the pending entry is never dropped
    assertEquals("RESERVED", redis.creates().reserve(k, "req-half", 1, T0).get(0));
    assertTrue(redis.creates().writeNew(k));

    // a create still within repairAfter is taken to be in flight and left alone
    assertEquals(0, redis.creates().repairPending("proj", T0));
    assertEquals(
        CreateOutcome.duplicate(k.id()),
        store.create(key("retr00000002", "proj", T0.plusSeconds(1)), "req-half", 1, T0));

    Instant later = T0.plus(redis.creates().repairAfter()).plusSeconds(1);
    assertEquals(1, redis.creates().repairPending("proj", later), "the crashed create is settled");
    assertEquals(0, redis.creates().repairPending("proj", later), "and only once");
    // confirmed, not released: the key stays findable, listed and counted as active, and its
    // request id still answers with it
    assertEquals(k.name(), store.find(k.id()).orElseThrow().name());
    assertEquals(
        List.of(k.id()),
        store.list("proj", "", 10, true).keys().stream().map(ApiKeyRecord::id).toList());
    assertEquals(
        CreateOutcome.Status.PROJECT_FULL,
        store.create(key("next00000003", "proj", later), null, 1, later).status());
    assertEquals(
        CreateOutcome.duplicate(k.id()),
        store.create(key("retr00000003", "proj", later), "req-half", 1, later));
  }
}
