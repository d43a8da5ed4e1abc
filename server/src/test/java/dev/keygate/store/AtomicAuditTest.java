package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.admin.Caller;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.EventIds;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import dev.keygate.testing.RedisServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A key change and its audit event are one write: no failure and no crash keeps one without the
 * other (issue 17, item 3). Real redis-server processes: standalone with an fsync'd append-only
 * file that is SIGKILLed mid-traffic, and the test Cluster, where the key id carries its project's
 * slot so that record, project indexes and trail share it.
 */
@ExtendWith(RedisDeploymentsExtension.class)
class AtomicAuditTest {
  private static final String PROJECT = "acme";
  private static final KeyFormat FORMAT = new KeyFormat("kg", new SecureRandom());

  private final RedisClusterSetup cluster;

  AtomicAuditTest(RedisClusterSetup cluster) {
    this.cluster = cluster;
  }

  private static KeyService keys(KeyStore store) {
    return new KeyService(
        store,
        FORMAT,
        new KeyHasher("pepper-for-atomic-audit-tests!!".getBytes(StandardCharsets.UTF_8)),
        Clock.systemUTC(),
        KeyKind.LIVE,
        1_000_000);
  }

  private static NewKey newKey(String name) {
    return new NewKey(
        PROJECT, name, "", java.util.Map.of(), List.of("orders:read"), null, null, null, "");
  }

  private static List<AuditEvent> trail(RedisAuditLog log, String action) {
    return log.after(PROJECT, EventIds.START, AuditLog.MAX_READ).stream()
        .filter(e -> e.action().equals(action))
        .toList();
  }

  private static RedisKeyStore connect(String url, String ns, Duration timeout) {
    return RedisKeyStore.connect(url, timeout, ns);
  }

  @Test
  void createAndRevoke_eachEventNamesItsChange() {
    try (RedisServer redis = RedisServer.start();
        RedisKeyStore store = connect(redis.url(), "kg", Duration.ofSeconds(2))) {
      RedisAuditLog log = store.auditLog(100);
      KeyService keys = keys(store);
      String id = keys.create(Caller.ADMIN_TOKEN, newKey("one")).key().id();
      keys.revoke(Caller.ADMIN_TOKEN, id, "done");

      AuditEvent created = trail(log, AuditEvent.CREATE).get(0);
      assertEquals(id, created.keyId());
      assertEquals(AuditEvent.ADMIN_TOKEN_ACTOR, created.actor());
      assertEquals(id, trail(log, AuditEvent.REVOKE).get(0).keyId());
      // the all-projects feed (webhooks, WatchEvents) has both, from the same scripts
      assertEquals(2, log.after(AuditLog.ALL, EventIds.START, AuditLog.MAX_READ).size());
      // a revoke of a revoked key changes nothing and records nothing
      keys.revoke(Caller.ADMIN_TOKEN, id, "again");
      assertEquals(1, trail(log, AuditEvent.REVOKE).size());
      assertEquals(2, store.changeEventsWritten(), "the metric counts what was appended");
    }
  }

  @Test
  void create_trailUnwritable_nothingIsStored() {
    try (RedisServer redis = RedisServer.start();
        RedisKeyStore store = connect(redis.url(), "kg", Duration.ofSeconds(2));
        Jedis jedis = new Jedis(URI.create(redis.url()))) {
      RedisAuditLog log = store.auditLog(100);
      jedis.set(log.streamKey(PROJECT), "not a stream");
      KeyService keys = keys(store);

      KeygateException e =
          assertThrows(KeygateException.class, () -> keys.create(Caller.ADMIN_TOKEN, newKey("x")));
      assertEquals(Reason.STORE_UNAVAILABLE, e.reason());
      assertEquals(Set.of(log.streamKey(PROJECT)), jedis.keys("kg:*"), "nothing else written");

      jedis.del(log.streamKey(PROJECT));
      String id = keys.create(Caller.ADMIN_TOKEN, newKey("y")).key().id();
      assertEquals(id, trail(log, AuditEvent.CREATE).get(0).keyId());
    }
  }

  @Test
  void revoke_trailUnwritable_keyStaysLive() {
    try (RedisServer redis = RedisServer.start();
        RedisKeyStore store = connect(redis.url(), "kg", Duration.ofSeconds(2));
        Jedis jedis = new Jedis(URI.create(redis.url()))) {
      RedisAuditLog log = store.auditLog(100);
      KeyService keys = keys(store);
      String id = keys.create(Caller.ADMIN_TOKEN, newKey("x")).key().id();
      jedis.del(log.streamKey(PROJECT));
      jedis.set(log.streamKey(PROJECT), "not a stream");

      assertThrows(KeygateException.class, () -> keys.revoke(Caller.ADMIN_TOKEN, id, "r"));
      ApiKeyRecord key = store.find(id).orElseThrow();
      assertFalse(key.isRevoked());
      assertEquals(1, key.version());
      assertEquals(0, jedis.zcard(store.names().projectRevoked(PROJECT)), "not indexed as revoked");
    }
  }

  /**
   * Creates and revokes run while Redis (append-only file, fsync always) is SIGKILLed and restarted
   * four times: after the last restart every stored key has its create event and every create event
   * its key, and likewise for revokes.
   */
  @Test
  void crashes_neverKeepAChangeWithoutItsEventOrAnEventWithoutItsChange() throws Exception {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        RedisKeyStore store = connect(redis.url(), "kg", Duration.ofMillis(300))) {
      RedisAuditLog log = store.auditLog(10_000);
      KeyService keys = keys(store);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger failed = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; !stop.get(); i++) {
                  try {
                    String id = keys.create(Caller.ADMIN_TOKEN, newKey("k" + i)).key().id();
                    if (i % 2 == 0) {
                      keys.revoke(Caller.ADMIN_TOKEN, id, "churn");
                    }
                    done.incrementAndGet();
                  } catch (KeygateException e) {
                    failed.incrementAndGet();
                    pause(20);
                  }
                }
              });
      writer.start();
      for (int crash = 0; crash < 4; crash++) {
        int before = done.get();
        while (done.get() < before + 20) {
          pause(5);
        }
        pause(new SecureRandom().nextInt(30));
        redis.kill();
        redis.restart();
      }
      int before = done.get();
      while (done.get() < before + 20) {
        pause(5);
      }
      stop.set(true);
      writer.join(10_000);

      List<ApiKeyRecord> stored = store.list(PROJECT, "", 1000, true).keys();
      assertTrue(stored.size() >= 100, stored.size() + " keys");
      assertTrue(failed.get() > 0, "the crashes failed some calls");
      Set<String> storedIds = ids(stored.stream());
      Set<String> created = ids(trail(log, AuditEvent.CREATE).stream().map(AuditEvent::keyId));
      Set<String> revokedIds = ids(stored.stream().filter(ApiKeyRecord::isRevoked));
      Set<String> revokes = ids(trail(log, AuditEvent.REVOKE).stream().map(AuditEvent::keyId));
      assertEquals(Set.of(), minus(storedIds, created), "keys stored without a create event");
      assertEquals(Set.of(), minus(created, storedIds), "create events without a key");
      assertEquals(Set.of(), minus(revokedIds, revokes), "keys revoked without a revoke event");
      assertEquals(Set.of(), minus(revokes, revokedIds), "revoke events of live keys");
    }
  }

  @Test
  void cluster_keySharesItsProjectsSlot_andItsChangesAreAtomicThere() {
    String ns = "atomic" + UUID.randomUUID().toString().substring(0, 6);
    try (RedisKeyStore store = connect(cluster.url(), ns, Duration.ofSeconds(2))) {
      RedisAuditLog log = store.auditLog(100);
      KeyService keys = keys(store);
      String id = keys.create(Caller.ADMIN_TOKEN, newKey("one")).key().id();
      int slot = JedisClusterCRC16.getSlot(store.names().projectKeys(PROJECT));
      assertEquals(slot, JedisClusterCRC16.getSlot(store.names().record(id)));
      assertEquals(slot, JedisClusterCRC16.getSlot(log.streamKey(PROJECT)));
      keys.revoke(Caller.ADMIN_TOKEN, id, "done");
      assertEquals(id, trail(log, AuditEvent.REVOKE).get(0).keyId());
      // the all-projects feed lives in its own slot: appended right after the script
      assertEquals(2, log.after(AuditLog.ALL, EventIds.START, AuditLog.MAX_READ).size());

      // one script on the Cluster too: an unwritable trail stores nothing
      store.client().run(r -> r.del(log.streamKey(PROJECT)));
      store.client().run(r -> r.set(log.streamKey(PROJECT), "not a stream"));
      assertThrows(KeygateException.class, () -> keys.create(Caller.ADMIN_TOKEN, newKey("two")));
      assertEquals(1, store.list(PROJECT, "", 10, true).keys().size());
    }
  }

  @Test
  void cluster_keyOutsideItsProjectsSlot_stillGetsItsEvents() {
    String ns = "atomic" + UUID.randomUUID().toString().substring(0, 6);
    try (RedisKeyStore store = connect(cluster.url(), ns, Duration.ofSeconds(2))) {
      RedisAuditLog log = store.auditLog(100);
      // an id drawn before ids carried the slot (or imported): record and indexes in two slots
      String id = FORMAT.newKeyId();
      while (JedisClusterCRC16.getSlot(store.names().record(id))
          == JedisClusterCRC16.getSlot(store.names().projectKeys(PROJECT))) {
        id = FORMAT.newKeyId();
      }
      assertNotEquals(
          JedisClusterCRC16.getSlot(store.names().record(id)),
          JedisClusterCRC16.getSlot(store.names().projectKeys(PROJECT)));
      Instant now = Instant.now();
      ApiKeyRecord key = KeyStoreContract.key(id, PROJECT, now);
      AuditEvent event =
          new AuditEvent(
              "",
              now,
              AuditEvent.CREATE,
              AuditEvent.OK,
              "admin-token",
              id,
              PROJECT,
              "",
              "admin",
              0);
      assertEquals(
          CreateOutcome.Status.CREATED,
          store.create(key, "", 10, now, Optional.of(event)).status());
      KeyService keys = keys(store);
      keys.revoke(Caller.ADMIN_TOKEN, id, "done");
      assertTrue(store.find(id).orElseThrow().isRevoked());
      assertEquals(
          List.of(AuditEvent.CREATE, AuditEvent.REVOKE),
          log.after(PROJECT, EventIds.START, 10).stream().map(AuditEvent::action).toList());
    }
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toSet());
  }

  private static Set<String> ids(java.util.stream.Stream<?> s) {
    return s.map(o -> o instanceof ApiKeyRecord k ? k.id() : (String) o)
        .collect(Collectors.toSet());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
