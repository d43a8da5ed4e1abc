package dev.keygate.grpc;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.config.KeygateConfig;
import dev.keygate.fuzz.Fuzz;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.RedisServer;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chaos: two keygate servers on Netty ports ({@code closed} and {@code stale} policy) over one
 * append-only redis-server, under load from several client threads on real gRPC channels, while the
 * test SIGKILLs and restarts Redis {@value #CYCLES} times. Every answer is classified as it
 * arrives: no revoked or unknown key is ever allowed, a valid key is only ever allowed or denied
 * with UNAVAILABLE, and no call runs into its deadline. Each outage lasts until both servers have
 * observed it (health NOT_SERVING) and the stale server has allowed a confirmed key during it, so
 * its length never depends on the machine's speed. After each restart both servers must serve again
 * without being restarted (a bounded wait; the stale one also resubscribed and re-read a key, since
 * a gap in its subscription rightly forgets what it confirmed before), and the live threads after
 * the last cycle must stay near what they were after the first few. The clients' choices come from
 * {@link Fuzz#SEED}.
 *
 * <p>No heap bound: the heap after {@code System.gc()} depends on whether and how the collector
 * honours the hint, so a bound on it either flakes or is too loose to catch a leak. What leaks per
 * reconnect in practice is threads and connections; the thread bound covers both (each connection
 * pool and subscriber owns threads).
 */
class RedisChaosTest {
  private static final int CYCLES = 20;
  private static final int WARM_CYCLES = 3;
  private static final int CLIENT_THREADS = 6;
  private static final String ADMIN_TOKEN = "chaos-admin-token-0123456789";
  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final Set<String> VALID_OUTCOMES = Set.of("OK", "UNAVAILABLE STORE_UNAVAILABLE");
  private static final Set<String> REVOKED_OUTCOMES =
      Set.of("UNAUTHENTICATED KEY_REVOKED", "UNAVAILABLE STORE_UNAVAILABLE");
  private static final Set<String> UNKNOWN_OUTCOMES =
      Set.of("UNAUTHENTICATED KEY_UNKNOWN", "UNAVAILABLE STORE_UNAVAILABLE");

  private final RedisServer redis =
      RedisServer.start("--appendonly", "yes", "--appendfsync", "everysec");
  private final List<KeygateServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Queue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean redisDead = new AtomicBoolean(); // from kill to restart
  private final LongAdder calls = new LongAdder();
  private final LongAdder staleAllowedDuringOutage = new LongAdder();
  // what valid keys got on the stale server while Redis was down, for the message of a failed wait
  private final Map<String, LongAdder> staleOutcomesDuringOutage = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws InterruptedException {
    running.set(false);
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    servers.forEach(KeygateServer::stop);
    redis.close();
  }

  private ManagedChannel start(String policy) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_REDIS_TIMEOUT", "200ms",
                "KEYGATE_REDIS_FAILURE", policy,
                "KEYGATE_PEPPER", "chaos-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE", "1s",
                "KEYGATE_USAGE_FLUSH_INTERVAL", "200ms"));
    KeygateServer server = Main.start(KeygateConfig.fromEnv(env));
    servers.add(server);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private static String outcome(ManagedChannel channel, String secret) {
    try {
      AuthorizeGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build());
      return "OK";
    } catch (StatusRuntimeException e) {
      String reason = "";
      com.google.rpc.Status status = StatusProto.fromThrowable(e);
      if (status != null) {
        for (var any : status.getDetailsList()) {
          if (any.is(ErrorInfo.class)) {
            try {
              reason = any.unpack(ErrorInfo.class).getReason();
            } catch (InvalidProtocolBufferException ex) {
              reason = "UNREADABLE";
            }
          }
        }
      }
      return e.getStatus().getCode() + " " + reason;
    }
  }

  @Test
  void redisKilledAndRestartedUnderLoad_neverWrongNeverHangsRecoversNoLeak() throws Exception {
    ManagedChannel closed = start("closed");
    ManagedChannel stale = start("stale");
    // a second channel per server: several HTTP/2 connections, as several clients would have
    List<ManagedChannel> closedChannels = List.of(closed, start2(servers.get(0)));
    List<ManagedChannel> staleChannels = List.of(stale, start2(servers.get(1)));
    Health.await(closed, "", ServingStatus.SERVING, WITHIN);
    Health.await(stale, "", ServingStatus.SERVING, WITHIN);
    CachingKeyStore staleCache = (CachingKeyStore) servers.get(1).app().store();

    KeyAdminGrpc.KeyAdminBlockingStub admin =
        withBearer(KeyAdminGrpc.newBlockingStub(closed), ADMIN_TOKEN);
    List<String> valid = new ArrayList<>();
    List<String> revoked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      var created =
          admin.createKey(
              CreateKeyRequest.newBuilder()
                  .setProject("chaos")
                  .setName("k" + i)
                  .addScopes("tasks:read")
                  .build());
      if (i < 4) {
        valid.add(created.getSecret());
      } else {
        admin.revokeKey(RevokeKeyRequest.newBuilder().setId(created.getKey().getId()).build());
        revoked.add(created.getSecret());
      }
    }
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    List<String> unknown =
        List.of(
            format.newSecret(KeyKind.LIVE, format.newKeyId()),
            format.newSecret(KeyKind.LIVE, format.newKeyId()));

    // each server confirms every valid key from Redis before the first outage: what the stale
    // policy serves from during it
    for (ManagedChannel channel : List.of(closed, stale)) {
      for (String key : valid) {
        Eventually.await(
            "valid key allowed before the outages", () -> outcome(channel, key).equals("OK"));
      }
    }

    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < CLIENT_THREADS; t++) {
      boolean onStale = t % 2 == 1;
      ManagedChannel channel = (onStale ? staleChannels : closedChannels).get((t / 2) % 2);
      Random random = Fuzz.random("RedisChaosTest client " + t);
      Thread client =
          new Thread(
              () -> load(channel, onStale, random, valid, revoked, unknown), "chaos-client-" + t);
      client.start();
      clients.add(client);
    }

    long baselineThreads = 0;
    long maxRecoveryMillis = 0;
    try {
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        redisDead.set(true);
        redis.kill();
        // the outage lasts until both servers saw it and the stale one served through it: long
        // enough by construction, whatever the machine's speed; traffic keeps flowing meanwhile
        Health.await(closed, "", ServingStatus.NOT_SERVING, WITHIN);
        Health.await(stale, "", ServingStatus.NOT_SERVING, WITHIN);
        long staleBefore = staleAllowedDuringOutage.sum();
        staleOutcomesDuringOutage.clear();
        int outage = cycle;
        Eventually.await(
            () ->
                "the stale server allows a confirmed key during outage "
                    + outage
                    + "; valid keys got "
                    + staleOutcomesDuringOutage
                    + ", wrong answers so far "
                    + List.copyOf(violations).subList(0, Math.min(5, violations.size())),
            () -> staleAllowedDuringOutage.sum() > staleBefore);
        redisDead.set(false);
        redis.restart();
        long back = System.nanoTime();
        for (ManagedChannel channel : List.of(closed, stale)) {
          String key = valid.get(cycle % valid.size());
          // recovery without a restart of keygate: a bounded wait, not a speed requirement
          Eventually.await(
              "valid key allowed again after restart " + cycle,
              () -> outcome(channel, key).equals("OK"));
        }
        maxRecoveryMillis =
            Math.max(maxRecoveryMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
        // a gap in the invalidation subscription makes the stale server forget every record it
        // confirmed (any of them may have missed a revocation), so it has nothing to serve from
        // until it is subscribed again and has re-read a key. Without this wait, a kill landing
        // within a millisecond of its resubscription left it empty for the whole next outage
        String key = valid.get(cycle % valid.size());
        Eventually.await(
            "the stale server subscribed again after restart " + cycle, staleCache::isLive);
        Eventually.await(
            "the stale server confirms a key after restart " + cycle,
            () -> outcome(stale, key).equals("OK"));
        if (cycle == WARM_CYCLES) {
          baselineThreads = threads();
        }
      }
      Health.await(closed, "", ServingStatus.SERVING, WITHIN);
      Health.await(stale, "", ServingStatus.SERVING, WITHIN);
    } finally {
      running.set(false);
      for (Thread client : clients) {
        client.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
    long finalThreads = threads();
    System.out.printf(
        "chaos (seed %d): %d cycles, %d calls, longest recovery after restart %d ms, "
            + "stale allowed during outages %d, threads %d -> %d%n",
        Fuzz.SEED,
        CYCLES,
        calls.sum(),
        maxRecoveryMillis,
        staleAllowedDuringOutage.sum(),
        baselineThreads,
        finalThreads);

    assertEquals(
        List.of(),
        List.copyOf(violations).subList(0, Math.min(20, violations.size())),
        violations.size() + " wrong answers (seed " + Fuzz.SEED + ")");
    // that load ran and the stale server allowed confirmed keys through every outage is what each
    // cycle waited for above; no count that depends on the machine's speed is asserted here
    // a leak of even one thread per reconnect would pass these bounds by the last cycle
    assertTrue(
        finalThreads <= baselineThreads + 15,
        "threads "
            + baselineThreads
            + " after cycle "
            + WARM_CYCLES
            + ", "
            + finalThreads
            + " at the end");
  }

  private ManagedChannel start2(KeygateServer server) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  private void load(
      ManagedChannel channel,
      boolean onStale,
      Random random,
      List<String> valid,
      List<String> revoked,
      List<String> unknown) {
    while (running.get()) {
      int kind = random.nextInt(10);
      List<String> keys = kind < 6 ? valid : kind < 8 ? revoked : unknown;
      Set<String> allowed =
          kind < 6 ? VALID_OUTCOMES : kind < 8 ? REVOKED_OUTCOMES : UNKNOWN_OUTCOMES;
      boolean dead = redisDead.get();
      String result = outcome(channel, keys.get(random.nextInt(keys.size())));
      calls.increment();
      if (!allowed.contains(result)) {
        violations.add(
            (kind < 6 ? "valid" : kind < 8 ? "revoked" : "unknown")
                + " key on the "
                + (onStale ? "stale" : "closed")
                + " server: "
                + result);
      } else if (onStale && dead && redisDead.get() && result.equals("OK")) {
        staleAllowedDuringOutage.increment();
      }
      if (onStale && dead && kind < 6) {
        staleOutcomesDuringOutage.computeIfAbsent(result, r -> new LongAdder()).increment();
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static long threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }
}
