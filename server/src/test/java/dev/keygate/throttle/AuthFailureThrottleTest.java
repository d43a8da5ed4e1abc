package dev.keygate.throttle;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static dev.keygate.testing.InProcessKeygate.withBearer;
import static dev.keygate.testing.InProcessKeygate.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.RetryInfo;
import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.testing.RedisServer;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Failed-authentication throttling through the real server on a loopback Netty port over its own
 * redis-server, whose {@code INFO commandstats} prove that a throttled client costs no lookup.
 * Loopback callers are exempt, so clients are told apart by {@code x-forwarded-for} with one
 * trusted hop, as an application calling Authorize for its users would send it.
 */
class AuthFailureThrottleTest {
  private static final String ADMIN_TOKEN = "throttle-admin-token-0123456789";
  private static final int LIMIT = 5;
  private static final String ATTACKER = "198.51.100.7";
  private static final String BYSTANDER = "198.51.100.8";

  private final RedisServer redis = RedisServer.start();
  private final KeygateServer server;
  private final ManagedChannel channel;
  private final KeyFormat format = new KeyFormat("kg", new SecureRandom());

  AuthFailureThrottleTest() {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_PEPPER", "throttle-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE", "1s",
                "KEYGATE_AUTH_FAILURE_LIMIT", Integer.toString(LIMIT),
                "KEYGATE_TRUSTED_PROXY_HOPS", "1"));
    server = Main.start(KeygateConfig.fromEnv(env));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    redis.close();
  }

  private AuthorizeGrpc.AuthorizeBlockingStub authorize(String client) {
    return withHeader(
        AuthorizeGrpc.newBlockingStub(channel), "x-forwarded-for", "10.9.9.9, " + client);
  }

  private KeyAdminGrpc.KeyAdminBlockingStub admin(String client, String credential) {
    return withBearer(
        withHeader(KeyAdminGrpc.newBlockingStub(channel), "x-forwarded-for", client), credential);
  }

  private String unknownKey() {
    return format.newSecret(KeyKind.LIVE, format.newKeyId());
  }

  private static CheckRequest check(String key) {
    return CheckRequest.newBuilder().setKey(key).build();
  }

  @Test
  void check_moreThanLimitFailures_throttledWithoutRedisLookup() {
    String valid =
        withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build())
            .getSecret();
    for (int i = 0; i < LIMIT; i++) {
      assertDenied(
          Code.UNAUTHENTICATED,
          "KEY_UNKNOWN",
          () -> authorize(ATTACKER).check(check(unknownKey())));
    }
    long before = hgetallCalls();
    var status =
        assertDenied(
            Code.RESOURCE_EXHAUSTED,
            "AUTH_FAILURES_THROTTLED",
            () -> authorize(ATTACKER).check(check(valid)));
    long retry = detail(status, RetryInfo.class).getRetryDelay().getSeconds();
    assertTrue(retry >= 0 && retry <= 60, "retry in " + retry + " s");
    for (int i = 0; i < 20; i++) {
      assertDenied(
          Code.RESOURCE_EXHAUSTED,
          "AUTH_FAILURES_THROTTLED",
          () -> authorize(ATTACKER).check(check(unknownKey())));
    }
    assertEquals(before, hgetallCalls(), "a throttled client costs no Redis lookup");

    // another client is unaffected, and its unknown key does cost a lookup
    assertDenied(
        Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> authorize(BYSTANDER).check(check(unknownKey())));
    assertEquals(before + 1, hgetallCalls());
    assertEquals(1, authorize(BYSTANDER).check(check(valid)).getGrantedScopesCount());
  }

  @Test
  void keyAdmin_wrongAdminTokens_throttleEvenTheRightToken() {
    for (int i = 0; i < LIMIT; i++) {
      assertDenied(
          Code.UNAUTHENTICATED,
          "ADMIN_CREDENTIAL_INVALID",
          () ->
              admin(ATTACKER, "guess-" + System.nanoTime())
                  .getKey(GetKeyRequest.newBuilder().setId("AAAAAAAAAAAA").build()));
    }
    assertDenied(
        Code.RESOURCE_EXHAUSTED,
        "AUTH_FAILURES_THROTTLED",
        () ->
            admin(ATTACKER, ADMIN_TOKEN)
                .getKey(GetKeyRequest.newBuilder().setId("AAAAAAAAAAAA").build()));
    assertDenied(
        Code.NOT_FOUND,
        "KEY_NOT_FOUND",
        () ->
            admin(BYSTANDER, ADMIN_TOKEN)
                .getKey(GetKeyRequest.newBuilder().setId("AAAAAAAAAAAA").build()));
  }

  @Test
  void check_loopbackCallerWithoutForwardedFor_neverThrottled() {
    var loopback = AuthorizeGrpc.newBlockingStub(channel);
    for (int i = 0; i < 3 * LIMIT; i++) {
      assertDenied(Code.UNAUTHENTICATED, "KEY_UNKNOWN", () -> loopback.check(check(unknownKey())));
    }
  }

  private long hgetallCalls() {
    try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
      Matcher m =
          Pattern.compile("cmdstat_hgetall:calls=(\\d+)").matcher(jedis.info("commandstats"));
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }
}
