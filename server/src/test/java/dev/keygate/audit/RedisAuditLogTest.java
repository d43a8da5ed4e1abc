package dev.keygate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.StoreUnavailableException;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The audit log contract on a real Redis, plus the stream layout. */
@ExtendWith(RedisServerExtension.class)
class RedisAuditLogTest extends AuditLogContract {
  private final TestRedis redis;
  private final String namespace;
  private RedisKeyStore store;

  RedisAuditLogTest(TestRedis redis) {
    this.redis = redis;
    this.namespace = redis.newNamespace();
  }

  @Override
  protected AuditLog newLog(int maxEvents) {
    if (store == null) {
      store = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), namespace);
    }
    return store.auditLog(maxEvents);
  }

  @Override
  protected long length(String project) {
    return ((RedisAuditLog) log).length(project);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void streams_areHashTaggedInTheProjectSlotAndStoreCompactFields() {
    RedisAuditLog redisLog = (RedisAuditLog) log;
    String key = redisLog.streamKey("acme");
    assertEquals(namespace + ":proj:{acme}:events", key);
    assertEquals(namespace + ":events", redisLog.streamKey(""));
    assertEquals(
        JedisClusterCRC16.getSlot(namespace + ":proj:{acme}:keys"), JedisClusterCRC16.getSlot(key));
    log.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme"));
    URI uri = URI.create(redis.url());
    try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort())) {
      assertEquals("stream", jedis.type(key));
      var fields = jedis.xrange(key, "-", "+").get(0).getFields();
      assertEquals(Long.toString(T0.plusMillis(1).toEpochMilli()), fields.get("t"));
      assertEquals("create", fields.get("a"));
      assertEquals("ok", fields.get("o"));
      assertEquals("aaaaaaaaaaa1", fields.get("k"));
      assertEquals(null, fields.get("d"), "a zero dropped count is not stored");
    }
  }

  @Test
  void append_redisDownFailsAsUnavailableAndCountsTheError() {
    try (RedisServer own = RedisServer.start()) {
      RedisKeyStore ownStore = RedisKeyStore.connect(own.url(), Duration.ofSeconds(2), "kg");
      try {
        RedisAuditLog ownLog = ownStore.auditLog(MAX);
        ownLog.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme"));
        own.kill();
        assertThrows(
            StoreUnavailableException.class,
            () -> ownLog.append(event(2, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme")));
        assertEquals(1, ownLog.errors());
      } finally {
        ownStore.close();
      }
    }
  }

  @Test
  void appendOnce_afterASidecarDiedBetweenTheTwoAppends_finishesTheSecondOnly() {
    RedisAuditLog redisLog = (RedisAuditLog) log;
    AuditEvent e = event(1, AuditEvent.KEY_EXPIRED, "aaaaaaaaaaa1", "acme");
    // the state a sidecar leaves when it dies after the project append: the event and its marker
    log.append(new AuditEvent("", e.time(), "update", "ok", "", "aaaaaaaaaaa1", "acme", "", "", 0));
    URI uri = URI.create(redis.url());
    try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort())) {
      jedis.del(redisLog.streamKey(AuditLog.ALL));
      jedis.set(namespace + ":proj:{acme}:once:k1", "1");
    }
    assertFalse(log.appendOnce("k1", e), "the project's append was done before");
    assertEquals(1, redisLog.length("acme"));
    assertEquals(
        List.of(AuditEvent.KEY_EXPIRED),
        log.after(AuditLog.ALL, EventIds.START, 10).stream().map(AuditEvent::action).toList());
    assertFalse(log.appendOnce("k1", e));
    assertEquals(1, redisLog.length(AuditLog.ALL));
  }
}
