package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@code KEYGATE_REDIS_POOL_SIZE} bounds the connections a sidecar opens to a node, however many
 * threads call at once (what {@code maxclients} must be sized for).
 */
class PoolSizeTest {
  private static final int POOL = 3;
  private static final int THREADS = 12;

  @Test
  void connect_manyConcurrentCalls_neverMoreConnectionsThanThePool() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisKeyStore store =
            RedisKeyStore.connect(
                RedisEndpoint.parse(redis.url()),
                Duration.ofSeconds(5),
                "kgpool",
                new RedisBounds(Duration.ofMillis(500), 2048, 2, POOL));
        Jedis admin = new Jedis(URI.create(redis.url()))) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          calls.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 200; i++) {
                      store.find("pool00000001");
                    }
                    return null;
                  }));
        }
        int most = 0;
        while (!calls.stream().allMatch(Future::isDone)) {
          most = Math.max(most, keygateConnections(admin));
        }
        for (Future<?> f : calls) {
          f.get(60, TimeUnit.SECONDS); // every call answered: waiting for a connection is fine
        }
        most = Math.max(most, keygateConnections(admin));
        assertTrue(most <= POOL, "at most " + POOL + " connections, saw " + most);
        assertTrue(most >= 2, "the calls did run concurrently, saw " + most);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static int keygateConnections(Jedis admin) {
    return (int) admin.clientList().lines().filter(l -> l.contains(" name=keygate ")).count();
  }
}
