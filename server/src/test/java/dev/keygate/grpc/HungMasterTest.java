package dev.keygate.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisSentinelSetup;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.ValidAndRevokedKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A master that hangs (SIGSTOP) behind Sentinel and in a Cluster, held to the decision path's
 * bounds (as {@link HungRedisTest} holds a standalone Redis to them): every Authorize ends within
 * {@code max(deadline, 2 x KEYGATE_REDIS_TIMEOUT)} plus a fixed slack, answered UNAVAILABLE or
 * decided correctly (nothing is cached: a revoked key is never allowed, a valid key never denied
 * with anything but UNAVAILABLE); once the replica is promoted the valid key is allowed again while
 * the old master still hangs; after SIGCONT (the old master rejoins as a replica) nothing changes.
 * Each test has a deployment of its own.
 */
class HungMasterTest {
  private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
  private static final Duration DEADLINE = Duration.ofSeconds(1);

  /** The suite's usual slack, doubled: a failover adds sentinel/cluster traffic on 2 cores. */
  private static final long SLACK_MILLIS = 500;

  private static final Map<String, String> ENV =
      Map.of("KEYGATE_REDIS_TIMEOUT", "500ms", "KEYGATE_CACHE_MAX_KEYS", "0");

  @Test
  void sentinelMasterPaused_boundedAnswersThenFailover() {
    try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
        InProcessKeygate kg =
            InProcessKeygate.overRedis(sentinel.url(), "kghung", Ticker.systemTicker(), ENV)) {
      ValidAndRevokedKeys keys = ValidAndRevokedKeys.create(kg);
      sentinel.awaitReplication();
      RedisServer victim = sentinel.master();
      run(kg, keys, victim, () -> sentinel.master() != victim);
    }
  }

  @Test
  void clusterMasterPaused_boundedAnswersThenFailover() {
    try (RedisClusterSetup cluster = RedisClusterSetup.start();
        InProcessKeygate kg =
            InProcessKeygate.overRedis(cluster.url(), "kghung", Ticker.systemTicker(), ENV)) {
      ValidAndRevokedKeys keys = ValidAndRevokedKeys.create(kg);
      cluster.awaitReplication();
      RedisServer victim = cluster.masterOf("kghung:key:{" + keys.validId() + "}");
      int slot = JedisClusterCRC16.getSlot("kghung:key:{" + keys.validId() + "}");
      // asked of a node that does not hang (the fixture's masterOf may ask the paused one)
      RedisServer witness =
          cluster.nodes().stream().filter(n -> n != victim).findFirst().orElseThrow();
      // the revoked key's record may live on another master: the hang must not touch its answers
      run(kg, keys, victim, () -> servedBy(witness, slot) != victim.port());
    }
  }

  private static void run(
      InProcessKeygate kg, ValidAndRevokedKeys keys, RedisServer victim, BooleanSupplier promoted) {
    // the first few wrong answers, enough to say what went wrong
    List<String> wrong = new ArrayList<>();
    long bound = Math.max(DEADLINE.toMillis(), 2 * REDIS_TIMEOUT.toMillis()) + SLACK_MILLIS;
    int unavailable = 0;
    victim.pause();
    try {
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean failedOver = false;
      boolean allowedAfter = false;
      while (!allowedAfter) {
        if (System.nanoTime() > giveUp) {
          throw new AssertionError("no failover, or the valid key not allowed after it: " + wrong);
        }
        failedOver = failedOver || promoted.getAsBoolean();
        for (String secret : List.of(keys.valid(), keys.revoked())) {
          long start = System.nanoTime();
          Status.Code code = check(kg, secret);
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          if (millis > bound) {
            note(wrong, "answered after " + millis + " ms > " + bound);
          }
          if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
            unavailable++;
          } else if (secret.equals(keys.revoked()) && code != Status.Code.UNAUTHENTICATED) {
            note(wrong, "revoked key: " + code);
          } else if (secret.equals(keys.valid()) && code != Status.Code.OK) {
            note(wrong, "valid key: " + code);
          } else if (secret.equals(keys.valid()) && failedOver) {
            allowedAfter = true;
          }
        }
      }
      assertTrue(unavailable > 0, "the hang was noticed: some calls answered UNAVAILABLE");
    } finally {
      victim.resume();
    }
    // the old master rejoins as a replica: decisions stay right
    Eventually.await("valid key allowed", () -> check(kg, keys.valid()) == Status.Code.OK);
    assertEquals(Status.Code.UNAUTHENTICATED, check(kg, keys.revoked()));
    assertEquals(List.of(), wrong);
  }

  private static void note(List<String> wrong, String what) {
    if (wrong.size() < 10) {
      wrong.add(what);
    }
  }

  /** The port of the master serving {@code slot}, as {@code witness} sees it; -1 if none. */
  private static int servedBy(RedisServer witness, int slot) {
    try (Jedis j =
        new Jedis(
            new HostAndPort("127.0.0.1", witness.port()),
            DefaultJedisClientConfig.builder().socketTimeoutMillis(1000).build())) {
      return RedisClusterSetup.slotOwnerPort(j.clusterNodes(), slot);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static Status.Code check(InProcessKeygate kg, String secret) {
    try {
      kg.authorize()
          .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .check(CheckRequest.newBuilder().setKey(secret).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
