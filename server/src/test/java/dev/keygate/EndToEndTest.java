package dev.keygate;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.config.KeygateConfig;
import dev.keygate.testing.Health;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The real server, as Main starts it, on a loopback Netty port over a real Redis: create →
 * authorize → rotate → revoke, and what ends up in Redis.
 */
@ExtendWith(RedisServerExtension.class)
class EndToEndTest {
  private static final String ADMIN_TOKEN = "e2e-admin-token-0123456789";

  private final TestRedis redis;
  private final String namespace;
  private final KeygateServer server;
  private final ManagedChannel channel;

  EndToEndTest(TestRedis redis) {
    this.redis = redis;
    this.namespace = redis.newNamespace();
    KeygateConfig config =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_LISTEN",
                "127.0.0.1:0",
                "KEYGATE_REDIS_URL",
                redis.url(),
                "KEYGATE_REDIS_NAMESPACE",
                namespace,
                "KEYGATE_PEPPER",
                "e2e-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN",
                ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE",
                "2s"));
    server = Main.start(config);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN);
  }

  private String authorize(String secret, String... scopes) {
    return AuthorizeGrpc.newBlockingStub(channel)
        .check(
            CheckRequest.newBuilder().setKey(secret).addAllRequiredScopes(List.of(scopes)).build())
        .getKeyId();
  }

  @Test
  void lifecycle_createAuthorizeRotateRevoke() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, java.time.Duration.ofSeconds(10));
    CreateKeyResponse created =
        admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("e2e")
                    .addScopes("tasks:*")
                    .build());
    String id = created.getKey().getId();
    assertEquals(id, authorize(created.getSecret(), "tasks:read"));
    assertDenied(
        Code.PERMISSION_DENIED,
        "SCOPE_MISSING",
        () -> authorize(created.getSecret(), "users:read"));

    RotateKeyResponse rotated =
        admin()
            .rotateKey(
                RotateKeyRequest.newBuilder()
                    .setId(id)
                    .setGracePeriod(Duration.newBuilder().setSeconds(300))
                    .build());
    assertNotEquals(created.getSecret(), rotated.getSecret());
    assertEquals(id, authorize(created.getSecret(), "tasks:read"), "old secret in grace");
    assertEquals(id, authorize(rotated.getSecret(), "tasks:write"));

    admin().revokeKey(RevokeKeyRequest.newBuilder().setId(id).setReason("e2e done").build());
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> authorize(rotated.getSecret()));
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> authorize(created.getSecret()));

    assertNothingButDigestsInRedis(List.of(created.getSecret(), rotated.getSecret(), ADMIN_TOKEN));
  }

  @Test
  void shutdown_flushesUsageCounts() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, java.time.Duration.ofSeconds(10));
    CreateKeyResponse created =
        admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("counted")
                    .addScopes("tasks:read")
                    .build());
    for (int i = 0; i < 7; i++) {
      authorize(created.getSecret());
    }
    server.stop();
    try (Jedis jedis = jedis()) {
      String record = namespace + ":key:{" + created.getKey().getId() + "}";
      assertEquals("7", jedis.hget(record, "ut"));
      assertEquals("7", jedis.hget(record, "un"));
    }
  }

  @Test
  void getKey_afterFlushShowsUsage() throws Exception {
    CreateKeyResponse created =
        admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("counted")
                    .addScopes("tasks:read")
                    .build());
    authorize(created.getSecret());
    authorize(created.getSecret());
    GetKeyRequest get = GetKeyRequest.newBuilder().setId(created.getKey().getId()).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (admin().getKey(get).getUsage().getTotal() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100); // the flush runs every second
    }
    assertEquals(2, admin().getKey(get).getUsage().getTotal());
    assertTrue(admin().getKey(get).getUsage().hasLastUsedAt());
  }

  private Jedis jedis() {
    return new Jedis(URI.create(redis.url()));
  }

  /** Scans the namespace: no secret, admin token or secret part anywhere in keys or values. */
  private void assertNothingButDigestsInRedis(List<String> secrets) {
    List<String> everything = new ArrayList<>();
    try (Jedis jedis = jedis()) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(namespace + ":*"));
        for (String key : page.getResult()) {
          everything.add(key);
          switch (jedis.type(key)) {
            case "hash" -> jedis.hgetAll(key).forEach((f, v) -> everything.add(f + "=" + v));
            case "zset" -> everything.addAll(jedis.zrange(key, 0, -1));
            case "string" -> everything.add(jedis.get(key));
            default -> everything.add(jedis.type(key));
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    assertTrue(everything.size() > 5, "the scan found the key's data: " + everything.size());
    for (String secret : secrets) {
      String secretPart = secret.length() > 30 ? secret.substring(20, 48) : secret;
      for (String entry : everything) {
        assertFalse(entry.contains(secretPart), "secret material in Redis: " + entry.split("=")[0]);
      }
    }
  }
}
