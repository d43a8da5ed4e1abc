package dev.keygate.store;

import static dev.keygate.store.RedisRecordCodecTest.assertSameRecord;
import static dev.keygate.store.RedisRecordCodecTest.oldLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.RecordLayoutMigration.Outcome;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import dev.keygate.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/** The layout migration on a 3-master Cluster: it must find the old records on every master. */
@ExtendWith(RedisDeploymentsExtension.class)
class ClusterLayoutMigrationTest {
  private static final int KEYS = 30;

  private final RedisClusterSetup cluster;

  ClusterLayoutMigrationTest(RedisClusterSetup cluster) {
    this.cluster = cluster;
  }

  @Test
  void migration_packsOldRecordsOnEveryMaster() {
    // the Cluster is shared: a failover test before this one may still be settling
    Eventually.await("cluster healthy", cluster::healthy);
    String ns = "mig" + UUID.randomUUID().toString().substring(0, 8);
    RedisServer seed = cluster.nodes().stream().filter(RedisServer::isRunning).findFirst().get();
    try (RedisKeyStore store = RedisKeyStore.connect(cluster.url(), Duration.ofSeconds(5), ns);
        JedisCluster raw = new JedisCluster(new HostAndPort("127.0.0.1", seed.port()))) {
      List<ApiKeyRecord> before = new ArrayList<>();
      Set<Integer> masters = new HashSet<>();
      for (int i = 0; i < KEYS; i++) {
        String id = String.format("clmig%07d", i);
        ApiKeyRecord k =
            RedisRecordCodecTest.typical().toBuilder().id(id).prefix("kg_live_" + id).build();
        assertEquals(CreateOutcome.created(id), store.create(k, null, 1_000, k.createdAt()));
        String key = store.names().record(id);
        raw.del(key);
        raw.hset(key, oldLayout(k));
        before.add(k);
        masters.add(cluster.masterOf(key).port());
      }
      assertEquals(3, masters.size(), "the old records are spread over every master");

      RecordLayoutMigration.Result result = RecordLayoutMigration.of(store).run(7);

      assertEquals(KEYS, result.count(Outcome.MIGRATED), result.describe());
      for (ApiKeyRecord k : before) {
        String key = store.names().record(k.id());
        assertTrue(raw.hexists(key, "a"), key);
        assertFalse(raw.hexists(key, "k"), key);
        assertSameRecord(k, store.find(k.id()).orElseThrow());
      }
      RecordLayoutMigration.Result again = RecordLayoutMigration.of(store).run(1_000);
      assertEquals(0, again.count(Outcome.MIGRATED), again.describe());
      assertEquals(KEYS, again.count(Outcome.ALREADY_PACKED), again.describe());
    }
  }
}
