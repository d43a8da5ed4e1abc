package dev.keygate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keygate.store.RedisKeyStore;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The audit log contract on a real six-node Redis Cluster: project trails live in their project's
 * slot (wherever that is), the global trail in a slot of its own, and no command crosses slots.
 */
@ExtendWith(RedisDeploymentsExtension.class)
class ClusterAuditLogTest extends AuditLogContract {
  private static final AtomicLong NAMESPACES = new AtomicLong();
  private final RedisClusterSetup cluster;
  private RedisKeyStore store;

  ClusterAuditLogTest(RedisClusterSetup cluster) {
    this.cluster = cluster;
  }

  @Override
  protected AuditLog newLog(int maxEvents) {
    if (store == null) {
      store =
          RedisKeyStore.connect(
              cluster.url(),
              Duration.ofSeconds(2),
              "kgau" + NAMESPACES.incrementAndGet() + Long.toString(System.nanoTime(), 36));
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
  void trailsOfProjectsOnDifferentNodes_andTheGlobalTrail() {
    RedisAuditLog redisLog = (RedisAuditLog) log;
    // projects whose streams hash to masters other than the global stream's
    String a = "acme";
    String b = "beta";
    assertNotEquals(
        JedisClusterCRC16.getSlot(redisLog.streamKey(a)),
        JedisClusterCRC16.getSlot(redisLog.streamKey(b)));
    log.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", a));
    log.append(event(2, AuditEvent.CREATE, "bbbbbbbbbbb1", b));
    log.append(event(3, AuditEvent.CREATE, "ccccccccccc1", ""));
    assertEquals(1, redisLog.length(a));
    assertEquals(1, redisLog.length(b));
    assertEquals(1, redisLog.length(""));
    assertEquals(
        "aaaaaaaaaaa1", log.list(a, new EventQuery("", 10, "", "")).events().get(0).keyId());
  }
}
