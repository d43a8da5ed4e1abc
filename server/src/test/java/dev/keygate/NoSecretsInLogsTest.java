package dev.keygate;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static dev.keygate.testing.InProcessKeygate.withHeader;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Duration;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.config.KeygateConfig;
import dev.keygate.key.KeyFormat;
import dev.keygate.testing.RedisServer;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole service (real server on loopback, its own redis-server) through every flow that
 * handles a secret, including the failing ones, while capturing ALL log output: System.err and
 * System.out (slf4j-simple writes to System.err) and java.util.logging (gRPC and Netty log there).
 * Fails if any full key, the secret part of any key, the pepper or the admin token (or a wrong
 * token presented in its place) appears in it.
 */
class NoSecretsInLogsTest {
  private static final String ADMIN_TOKEN = "logs-admin-token-Zq81VbT5mP0w";
  private static final String PEPPER = "logs-pepper-Hk3Jd9Ls2Qw7Xc5Vb1Nm";
  private static final String WRONG_TOKEN = "logs-wrong-token-Pz4Ty6Ur8Ie0";

  private final List<String> secrets = new ArrayList<>(List.of(ADMIN_TOKEN, PEPPER, WRONG_TOKEN));

  private void secret(String key) {
    secrets.add(key);
    // the secret part alone, and the part after the public id
    int checksum = key.lastIndexOf('_');
    secrets.add(key.substring(checksum - KeyFormat.SECRET_LENGTH, checksum));
  }

  @Test
  void allFlows_noSecretInAnyLog() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;
    PrintStream out = System.out;
    Handler jul =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            capture.print(formatter.format(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    root.addHandler(jul);
    System.setErr(capture);
    System.setOut(capture);
    try (RedisServer redis = RedisServer.start()) {
      runFlows(redis);
    } finally {
      System.setErr(err);
      System.setOut(out);
      root.removeHandler(jul);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("keygate listening on"), "the capture saw the server's log:\n" + log);
    assertTrue(log.contains("created in project acme"), "and the flows' log lines:\n" + log);
    for (String secret : secrets) {
      if (log.contains(secret)) {
        fail(
            "a secret ("
                + secret.length()
                + " characters, starting "
                + secret.substring(0, 4)
                + ") appears in the log");
      }
    }
    err.println(
        "NoSecretsInLogsTest: checked "
            + secrets.size()
            + " secrets against "
            + log.length()
            + " characters of log");
  }

  private void runFlows(RedisServer redis) throws InterruptedException {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_PEPPER", PEPPER,
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE", "1s",
                "KEYGATE_USAGE_FLUSH_INTERVAL", "50ms",
                "KEYGATE_AUTH_FAILURE_LIMIT", "3",
                "KEYGATE_TRUSTED_PROXY_HOPS", "1"));
    KeygateServer server = Main.start(KeygateConfig.fromEnv(env));
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      var admin = withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN);
      var authorize = AuthorizeGrpc.newBlockingStub(channel);
      CreateKeyResponse writer =
          admin.createKey(
              CreateKeyRequest.newBuilder()
                  .setProject("acme")
                  .setName("writer")
                  .addScopes("keys:write")
                  .addScopes("keys:read")
                  .addScopes("tasks:read")
                  .build());
      secret(writer.getSecret());
      CreateKeyResponse reader =
          admin.createKey(
              CreateKeyRequest.newBuilder()
                  .setProject("acme")
                  .setName("reader")
                  .addScopes("tasks:read")
                  .build());
      secret(reader.getSecret());
      String id = reader.getKey().getId();

      // the key in the request, in authorization, in x-api-key; allowed and denied
      authorize.check(
          CheckRequest.newBuilder()
              .setKey(reader.getSecret())
              .addRequiredScopes("tasks:read")
              .build());
      withBearer(authorize, reader.getSecret()).check(CheckRequest.getDefaultInstance());
      withHeader(authorize, "x-api-key", reader.getSecret())
          .check(CheckRequest.newBuilder().addRequiredScopes("tasks:read").build());
      expectFailure(
          () ->
              withBearer(authorize, reader.getSecret())
                  .check(CheckRequest.newBuilder().addRequiredScopes("tasks:delete").build()));
      // a typo and an unknown secret for a real id
      String typo = reader.getSecret().substring(0, 20) + "x" + reader.getSecret().substring(21);
      secret(typo);
      expectFailure(() -> authorize.check(CheckRequest.newBuilder().setKey(typo).build()));

      // KeyAdmin with a wrong token, with an API key, with a key lacking keys:write
      expectFailure(
          () ->
              withBearer(KeyAdminGrpc.newBlockingStub(channel), WRONG_TOKEN)
                  .getKey(GetKeyRequest.newBuilder().setId(id).build()));
      withBearer(KeyAdminGrpc.newBlockingStub(channel), writer.getSecret())
          .getKey(GetKeyRequest.newBuilder().setId(id).build());
      expectFailure(
          () ->
              withBearer(KeyAdminGrpc.newBlockingStub(channel), reader.getSecret())
                  .revokeKey(RevokeKeyRequest.newBuilder().setId(id).build()));

      // rotate with grace, use both secrets, revoke, use again
      String rotated =
          admin
              .rotateKey(
                  RotateKeyRequest.newBuilder()
                      .setId(id)
                      .setGracePeriod(Duration.newBuilder().setSeconds(60))
                      .build())
              .getSecret();
      secret(rotated);
      authorize.check(CheckRequest.newBuilder().setKey(rotated).build());
      authorize.check(CheckRequest.newBuilder().setKey(reader.getSecret()).build());
      admin.revokeKey(RevokeKeyRequest.newBuilder().setId(id).setReason("leaked").build());
      expectFailure(() -> authorize.check(CheckRequest.newBuilder().setKey(rotated).build()));
      admin.rotateKey(RotateKeyRequest.newBuilder().setId(writer.getKey().getId()).build());

      // Envoy ext_authz with the key in headers, allowed and denied
      for (String key : List.of(writer.getSecret(), rotated, typo)) {
        AuthorizationGrpc.newBlockingStub(channel).check(envoyCheck(key));
      }

      // a throttled client presenting keys
      var throttled = withHeader(authorize, "x-forwarded-for", "198.51.100.7");
      for (int i = 0; i < 5; i++) {
        expectFailure(() -> throttled.check(CheckRequest.newBuilder().setKey(typo).build()));
      }
      Thread.sleep(200); // a usage flush runs (its log lines, if any, are captured too)
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
    }
  }

  private static io.envoyproxy.envoy.service.auth.v3.CheckRequest envoyCheck(String key) {
    return io.envoyproxy.envoy.service.auth.v3.CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(
                    AttributeContext.Peer.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("203.0.113.9"))))
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setHttp(
                            AttributeContext.HttpRequest.newBuilder()
                                .setMethod("GET")
                                .setPath("/v1/tasks")
                                .putHeaders("authorization", "Bearer " + key)
                                .putHeaders("x-api-key", key)))
                .putContextExtensions("keygate_scope", "tasks:read"))
        .build();
  }

  private static void expectFailure(org.junit.jupiter.api.function.Executable call) {
    assertThrows(StatusRuntimeException.class, call);
  }
}
