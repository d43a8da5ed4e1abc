package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.testing.NettyKeygate;
import dev.keygate.tls.TestCertificates;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a sidecar that speaks mutual TLS only (certificates from openssl). */
class CliTlsTest {
  @TempDir static Path dir;
  private static TestCertificates certs;
  private static NettyKeygate keygate;

  @BeforeAll
  static void start() {
    certs = TestCertificates.create(dir);
    keygate =
        NettyKeygate.start(
            Map.of(
                "KEYGATE_TLS_CERT_FILE", certs.cert("server").toString(),
                "KEYGATE_TLS_KEY_FILE", certs.key("server").toString(),
                "KEYGATE_TLS_CLIENT_CA_FILE", certs.cert("ca").toString()));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    keygate.close();
  }

  private static CliRun keysList(String... tls) {
    String[] args = new String[3 + tls.length];
    args[0] = "keys";
    args[1] = "list";
    args[2] = "--project=tls";
    System.arraycopy(tls, 0, args, 3, tls.length);
    return CliRun.run(
        Map.of(
            "KEYGATE_ADDRESS",
            "127.0.0.1:" + keygate.server.port(),
            "KEYGATE_ADMIN_TOKEN",
            NettyKeygate.ADMIN_TOKEN),
        "",
        Clock.systemUTC(),
        env -> 0,
        args);
  }

  @Test
  void keysList_mutualTlsFiles_connects() {
    CliRun run =
        keysList(
            "--tls-ca", certs.cert("ca").toString(),
            "--tls-cert", certs.cert("client").toString(),
            "--tls-key", certs.key("client").toString());
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().startsWith("ID"), run::toString);
  }

  @Test
  void keysList_noClientCertificate_exitsUnavailable() {
    CliRun run = keysList("--tls-ca", certs.cert("ca").toString());
    assertEquals(6, run.exit(), run::toString);
  }

  @Test
  void keysList_tlsCertWithoutKey_exitsUsage() {
    CliRun run = keysList("--tls-cert", certs.cert("client").toString());
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().contains("--tls-cert and --tls-key go together"), run::toString);
  }
}
