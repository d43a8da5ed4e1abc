package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.KeyKind;
import dev.keygate.testing.Health;
import dev.keygate.testing.NettyKeygate;
import dev.keygate.testing.RedisServer;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The server over a Redis of its own that the test kills and restarts: health follows Redis, calls
 * fail with UNAVAILABLE (never an OK, never a hang) and recover without a restart.
 */
class RedisOutageTest {
  private static final Duration WITHIN = Duration.ofSeconds(15);

  private final NettyKeygate kg = NettyKeygate.start(Map.of());
  private final RedisServer redis = kg.redis;
  private final ManagedChannel channel = kg.channel;

  @AfterEach
  void stop() throws InterruptedException {
    kg.close();
  }

  private KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return kg.admin();
  }

  private CreateKeyResponse createKey() {
    return admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .build());
  }

  private String check(String secret) {
    return AuthorizeGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(CheckRequest.newBuilder().setKey(secret).build())
        .getKeyId();
  }

  @Test
  void redisDown_unavailableThenRecoversWithoutRestart() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    CreateKeyResponse key = createKey();
    assertEquals(key.getKey().getId(), check(key.getSecret()));

    redis.kill();
    Health.await(channel, "keygate.v1.Authorize", ServingStatus.NOT_SERVING, WITHIN);
    assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(key.getSecret()));
    assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", this::createKey);
    // a Kubernetes liveness probe on this entry must not restart keygate during a Redis outage
    assertEquals(ServingStatus.SERVING, Health.status(channel, HealthMonitor.LIVENESS));

    redis.restart(); // an empty Redis: the test server keeps nothing on disk
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    CreateKeyResponse fresh = createKey();
    assertEquals(fresh.getKey().getId(), check(fresh.getSecret()));
  }

  @Test
  void malformedAndOtherEnvironmentKeys_neverReachRedis() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    String live = createKey().getSecret();
    String typo = live.substring(0, live.length() - 1) + (live.endsWith("x") ? "y" : "x");
    String testKind =
        admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("test kind")
                    .addScopes("tasks:read")
                    .setKind(KeyKind.KEY_KIND_TEST)
                    .build())
            .getSecret();
    long before = hgetallCalls();
    for (int i = 0; i < 50; i++) {
      assertDenied(Code.UNAUTHENTICATED, "KEY_MALFORMED", () -> check(typo));
      assertDenied(Code.UNAUTHENTICATED, "KEY_MALFORMED", () -> check("garbage"));
      assertDenied(Code.UNAUTHENTICATED, "KEY_ENVIRONMENT_MISMATCH", () -> check(testKind));
    }
    assertEquals(before, hgetallCalls());
    check(live);
    assertEquals(before + 1, hgetallCalls());
  }

  private long hgetallCalls() {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      Matcher m =
          Pattern.compile("cmdstat_hgetall:calls=(\\d+)").matcher(jedis.info("commandstats"));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }
}
