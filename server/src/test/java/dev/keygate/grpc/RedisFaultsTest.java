package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.config.KeygateConfig;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.RedisServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis faults against the real server on a Netty port: Redis down at start, a Redis that accepts
 * connections but never answers (SIGSTOP). Waits are bounded and generous; nothing asserts speed.
 * The {@code stale} policy: {@link StalePolicyTest}.
 */
class RedisFaultsTest {
  private static final String ADMIN_TOKEN = "faults-admin-token-0123456789";
  private static final Duration WITHIN = Duration.ofSeconds(20);
  // far above the Redis timeout: a call that ends with DEADLINE_EXCEEDED hung
  private static final long CALL_DEADLINE_SECONDS = 15;

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private RedisServer redis(String... args) {
    RedisServer redis = RedisServer.start(args);
    cleanup.add(redis);
    return redis;
  }

  private void startKeygate(RedisServer redis, Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_REDIS_TIMEOUT", "200ms",
                "KEYGATE_PEPPER", "faults-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE", "1s",
                "KEYGATE_USAGE_FLUSH_INTERVAL", "100ms"));
    env.putAll(extra);
    KeygateServer server = Main.start(KeygateConfig.fromEnv(env));
    cleanup.add(server::stop);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    cleanup.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
  }

  private KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private CreateKeyResponse createKey(String project) {
    return admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject(project)
                .setName("k")
                .addScopes("tasks:read")
                .build());
  }

  private String check(String secret) {
    return AuthorizeGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build())
        .getKeyId();
  }

  /** A well-formed key with a valid checksum that was never created. */
  private static String unknownKey() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    return format.newSecret(KeyKind.LIVE, format.newKeyId());
  }

  private static String reasonOf(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return "";
    }
    for (var any : status.getDetailsList()) {
      if (any.is(com.google.rpc.ErrorInfo.class)) {
        try {
          return any.unpack(com.google.rpc.ErrorInfo.class).getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return "";
  }

  @Test
  void redisDownAtStart_notServingThenServesWithoutRestart() throws Exception {
    RedisServer redis = redis();
    redis.kill();
    startKeygate(redis, Map.of());

    Health.await(channel, "", ServingStatus.NOT_SERVING, WITHIN);
    assertEquals(ServingStatus.SERVING, Health.status(channel, HealthMonitor.LIVENESS));
    assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(unknownKey()));
    assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> createKey("acme"));

    redis.restart();
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    CreateKeyResponse key = createKey("acme");
    assertEquals(key.getKey().getId(), check(key.getSecret()));
  }

  @Test
  void hungRedis_everyCallAnswersUnavailableNeverHangs() throws Exception {
    RedisServer redis = redis();
    startKeygate(redis, Map.of());
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    CreateKeyResponse key = createKey("acme");
    assertEquals(key.getKey().getId(), check(key.getSecret()));

    redis.pause();
    try {
      // more concurrent lookups than the Redis pool has connections: some wait for one, all
      // must end with UNAVAILABLE from keygate, not with the caller's deadline
      ExecutorService callers = Executors.newFixedThreadPool(40);
      List<Future<String>> outcomes = new ArrayList<>();
      long start = System.nanoTime();
      try {
        for (int i = 0; i < 40; i++) {
          String presented = i % 4 == 0 ? key.getSecret() : unknownKey();
          outcomes.add(
              callers.submit(
                  () -> {
                    try {
                      return "OK " + check(presented);
                    } catch (StatusRuntimeException e) {
                      return e.getStatus().getCode() + " " + reasonOf(e);
                    }
                  }));
        }
        for (int i = 0; i < outcomes.size(); i++) {
          String outcome = outcomes.get(i).get(CALL_DEADLINE_SECONDS * 2, TimeUnit.SECONDS);
          if (i % 4 == 0 && outcome.startsWith("OK ")) {
            continue; // a cache hit before the listener noticed the silence: Redis was confirmed
          }
          assertEquals("UNAVAILABLE STORE_UNAVAILABLE", outcome, "call " + i);
        }
      } finally {
        callers.shutdownNow();
      }
      System.out.printf(
          "hung Redis: 40 concurrent checks answered within %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

      Health.await(channel, "keygate.v1.Authorize", ServingStatus.NOT_SERVING, WITHIN);
      // the cached key is served until the subscription's watchdog gives up on the silent
      // Redis (no write can happen meanwhile); then, failing closed, it is UNAVAILABLE too
      Eventually.await(
          "cached key no longer served",
          () -> {
            try {
              check(key.getSecret());
              return false;
            } catch (StatusRuntimeException e) {
              assertEquals(
                  "UNAVAILABLE STORE_UNAVAILABLE", e.getStatus().getCode() + " " + reasonOf(e));
              return true;
            }
          });
      // a write that times out may still reach Redis once it resumes: retried with the same
      // request_id it can never create a second key
      CreateKeyRequest idempotent =
          CreateKeyRequest.newBuilder()
              .setProject("paused")
              .setName("p")
              .addScopes("tasks:read")
              .setRequestId("during-pause")
              .build();
      assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> admin().createKey(idempotent));
    } finally {
      redis.resume();
    }

    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    assertEquals(key.getKey().getId(), check(key.getSecret()));
    try {
      admin()
          .createKey(
              CreateKeyRequest.newBuilder()
                  .setProject("paused")
                  .setName("p")
                  .addScopes("tasks:read")
                  .setRequestId("during-pause")
                  .build());
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode(), e.toString());
    }
    assertEquals(
        1,
        admin()
            .listKeys(
                ListKeysRequest.newBuilder().setProject("paused").setIncludeRevoked(true).build())
            .getKeysCount());
  }
}
