package dev.keygate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.store.RedisCommands;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lifecycle schedule's and the webhook lease's scripts on a real six-node Redis Cluster: each
 * touches keys of one hash tag only, so none fails with CROSSSLOT.
 */
@ExtendWith(RedisDeploymentsExtension.class)
class ClusterEventsTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private final RedisClusterSetup cluster;

  ClusterEventsTest(RedisClusterSetup cluster) {
    this.cluster = cluster;
  }

  @Test
  void dueEventsAndLease_workOnACluster() {
    String ns = "kgev" + Long.toString(System.nanoTime(), 36);
    try (RedisKeyStore store = RedisKeyStore.connect(cluster.url(), Duration.ofSeconds(2), ns)) {
      RedisCommands redis = store.auditLog(100).commands();
      RedisDueEvents due = new RedisDueEvents(redis, ns);
      due.schedule("key.expired|aaaaaaaaaaa1|1", T);
      due.schedule("key.expired|aaaaaaaaaaa2|2", T.plusSeconds(60));
      assertEquals(List.of("key.expired|aaaaaaaaaaa1|1"), due.claim(T, T.plusSeconds(30), 10));
      assertEquals(List.of(), due.claim(T.plusSeconds(10), T.plusSeconds(40), 10), "leased");
      // the claim ran out and the second member is due: both
      assertEquals(2, due.claim(T.plusSeconds(60), T.plusSeconds(90), 10).size());
      due.done("key.expired|aaaaaaaaaaa1|1");
      due.done("key.expired|aaaaaaaaaaa2|2");
      assertEquals(List.of(), due.claim(T.plusSeconds(600), T.plusSeconds(630), 10));

      RedisDeliveryLease lease = new RedisDeliveryLease(redis, ns);
      lease.initCursor("5-0");
      lease.initCursor("9-0");
      assertEquals("5-0", lease.cursor(), "set once");
      assertTrue(lease.hold("a", Duration.ofSeconds(30)));
      assertFalse(lease.hold("b", Duration.ofSeconds(30)));
      assertFalse(lease.advance("b", "7-0"), "fenced");
      assertTrue(lease.advance("a", "7-0"));
      lease.release("a");
      assertTrue(lease.hold("b", Duration.ofSeconds(30)));
      assertEquals("7-0", lease.cursor());
    }
  }
}
