package dev.keygate.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.config.ConfigException;
import dev.keygate.config.KeygateConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the real Netty port, with certificates openssl makes for the test: what
 * connects and what is refused, and clear start-up errors for bad files.
 */
class TlsTest {
  @TempDir static Path dir;
  private static TestCertificates certs;

  private KeygateServer server;
  private ManagedChannel channel;

  @BeforeAll
  static void pki() {
    certs = TestCertificates.create(dir);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  private static Map<String, String> env(boolean mutual) {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_ADMIN_TOKEN", "tls-admin-token-0123456789",
                "KEYGATE_SHUTDOWN_GRACE", "1s",
                "KEYGATE_TLS_CERT_FILE", certs.cert("server").toString(),
                "KEYGATE_TLS_KEY_FILE", certs.key("server").toString()));
    if (mutual) {
      env.put("KEYGATE_TLS_CLIENT_CA_FILE", certs.cert("ca").toString());
    }
    return env;
  }

  /** Health.Check over a fresh channel with these credentials; the status it ended with. */
  private Status.Code healthCheck(ChannelCredentials credentials) {
    if (channel != null) {
      channel.shutdownNow();
    }
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port(), credentials).build();
    try {
      HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("liveness").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static ChannelCredentials tls(String clientName) throws IOException {
    var b = TlsChannelCredentials.newBuilder().trustManager(certs.cert("ca").toFile());
    if (clientName != null) {
      b.keyManager(certs.cert(clientName).toFile(), certs.key(clientName).toFile());
    }
    return b.build();
  }

  @Test
  void tls_trustedClientConnects_plaintextRefused() throws IOException {
    server = Main.start(KeygateConfig.fromEnv(env(false)));
    assertEquals(Status.Code.OK, healthCheck(tls(null)));
    assertEquals(Status.Code.UNAVAILABLE, healthCheck(InsecureChannelCredentials.create()));
  }

  @Test
  void mutualTls_onlyClientsWithACertificateOfTheCa() throws IOException {
    server = Main.start(KeygateConfig.fromEnv(env(true)));
    assertEquals(Status.Code.OK, healthCheck(tls("client")));
    assertEquals(Status.Code.UNAVAILABLE, healthCheck(tls(null)), "no client certificate");
    assertEquals(
        Status.Code.UNAVAILABLE, healthCheck(tls("rogue-client")), "a certificate of another CA");
    assertEquals(Status.Code.UNAVAILABLE, healthCheck(InsecureChannelCredentials.create()));
  }

  @Test
  void fromEnv_incompleteOrWrongFiles_nameTheVariable() throws IOException {
    Map<String, String> certOnly = Map.of("KEYGATE_TLS_CERT_FILE", certs.cert("server").toString());
    assertTrue(
        assertThrows(ConfigException.class, () -> TlsSettings.fromEnv(certOnly))
            .getMessage()
            .contains("KEYGATE_TLS_KEY_FILE"));
    Map<String, String> caOnly = Map.of("KEYGATE_TLS_CLIENT_CA_FILE", certs.cert("ca").toString());
    assertTrue(
        assertThrows(ConfigException.class, () -> TlsSettings.fromEnv(caOnly))
            .getMessage()
            .contains("KEYGATE_TLS_CLIENT_CA_FILE needs both"));
    Map<String, String> missing = new HashMap<>(env(false));
    missing.put("KEYGATE_TLS_KEY_FILE", dir.resolve("nope.key").toString());
    assertTrue(
        assertThrows(ConfigException.class, () -> TlsSettings.fromEnv(missing))
            .getMessage()
            .startsWith("KEYGATE_TLS_KEY_FILE: "));
    Map<String, String> swapped = new HashMap<>(env(false));
    swapped.put("KEYGATE_TLS_KEY_FILE", certs.cert("server").toString());
    String message =
        assertThrows(ConfigException.class, () -> TlsSettings.fromEnv(swapped)).getMessage();
    assertTrue(
        message.startsWith("KEYGATE_TLS_KEY_FILE: ") && message.contains("PRIVATE KEY"), message);
    assertFalse(TlsSettings.fromEnv(Map.of()).enabled());
  }

  @Test
  void start_unparsableKey_refusedWithAClearError() throws IOException {
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    Map<String, String> env = new HashMap<>(env(false));
    env.put("KEYGATE_TLS_KEY_FILE", bad.toString());
    KeygateConfig config = KeygateConfig.fromEnv(env);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Main.start(config));
    assertTrue(
        e.getMessage().startsWith("KEYGATE_TLS_CERT_FILE / KEYGATE_TLS_KEY_FILE"), e.getMessage());
  }
}
