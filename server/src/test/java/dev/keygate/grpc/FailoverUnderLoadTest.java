package dev.keygate.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import dev.keygate.testing.RedisSentinelSetup;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.ValidAndRevokedKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Redis master is SIGKILLed while clients authorize: after its replica is promoted, authorization
 * goes on, and at no point is a revoked key allowed or a valid key denied with anything but
 * UNAVAILABLE. No key is lost (writes were replicated before the kill).
 */
@ExtendWith(RedisDeploymentsExtension.class)
class FailoverUnderLoadTest {
  private static final int CLIENTS = 8;

  @Test
  void clusterMasterKilled_noWrongDecision(RedisClusterSetup cluster) throws Exception {
    String namespace = "kgfo" + Long.toString(System.nanoTime(), 36);
    try (InProcessKeygate kg =
        InProcessKeygate.overRedis(
            cluster.url(),
            namespace,
            Ticker.systemTicker(),
            Map.of("KEYGATE_REDIS_TIMEOUT", "500ms"))) {
      ValidAndRevokedKeys keys = ValidAndRevokedKeys.create(kg);
      cluster.awaitReplication();
      RedisServer victim = cluster.masterOf(namespace + ":key:{" + keys.validId() + "}");
      run(kg, keys, victim::kill, cluster::healthy);
      victim.restart(); // rejoins as a replica of the promoted node
    }
  }

  @Test
  void sentinelMasterKilled_noWrongDecision(RedisSentinelSetup sentinel) throws Exception {
    String namespace = "kgfo" + Long.toString(System.nanoTime(), 36);
    try (InProcessKeygate kg =
        InProcessKeygate.overRedis(
            sentinel.url(),
            namespace,
            Ticker.systemTicker(),
            Map.of("KEYGATE_REDIS_TIMEOUT", "500ms"))) {
      ValidAndRevokedKeys keys = ValidAndRevokedKeys.create(kg);
      sentinel.awaitReplication();
      RedisServer victim = sentinel.master();
      run(kg, keys, victim::kill, () -> sentinel.master() != victim);
      // the deployment is shared with later tests: the old master rejoins as the new one's replica
      victim.restart();
      sentinel.awaitReplication();
    }
  }

  private static void run(
      InProcessKeygate kg,
      ValidAndRevokedKeys keys,
      Runnable kill,
      java.util.function.BooleanSupplier recovered)
      throws Exception {
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicLong allowedAfterKill = new AtomicLong();
    AtomicLong allowedBeforeKill = new AtomicLong();
    AtomicLong revokedDeniedBeforeKill = new AtomicLong();
    AtomicLong unavailable = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> clients = new ArrayList<>();
    try {
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    try {
                      kg.authorize()
                          .check(CheckRequest.newBuilder().setKey(keys.revoked()).build());
                      wrong.add("revoked key allowed");
                    } catch (StatusRuntimeException e) {
                      Status.Code code = e.getStatus().getCode();
                      if (code != Status.Code.UNAUTHENTICATED && code != Status.Code.UNAVAILABLE) {
                        wrong.add("revoked key: " + code);
                      } else if (code == Status.Code.UNAUTHENTICATED && !killed.get()) {
                        revokedDeniedBeforeKill.incrementAndGet();
                      }
                    }
                    try {
                      kg.authorize().check(CheckRequest.newBuilder().setKey(keys.valid()).build());
                      if (killed.get()) {
                        allowedAfterKill.incrementAndGet();
                      } else {
                        allowedBeforeKill.incrementAndGet();
                      }
                    } catch (StatusRuntimeException e) {
                      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                        unavailable.incrementAndGet();
                      } else {
                        wrong.add("valid key denied with " + e.getStatus().getCode());
                      }
                    }
                  }
                  return null;
                }));
      }
      // every client thread is answering, both keys decided, before the master dies
      Eventually.await(
          "load running: valid keys allowed and revoked keys denied",
          () ->
              allowedBeforeKill.get() >= 10L * CLIENTS
                  && revokedDeniedBeforeKill.get() >= 10L * CLIENTS);
      kill.run();
      killed.set(true);
      awaitLong("failover done", recovered);
      long before = allowedAfterKill.get();
      awaitLong(
          "authorization continues after failover", () -> allowedAfterKill.get() > before + 100);
    } finally {
      stop.set(true);
      for (Future<?> f : clients) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }
    assertEquals(List.of(), List.copyOf(wrong));
    // no key lost: both records survived on the promoted replica
    assertTrue(kg.app.store().find(keys.validId()).isPresent(), "valid key survived failover");
  }

  /** Failover takes a few seconds (detection, election); allow a minute on a loaded machine. */
  private static void awaitLong(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
