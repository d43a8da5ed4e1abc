package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.config.KeygateConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the command line starts the sidecar and when it must not: the launcher here really starts it
 * (returning at once instead of waiting for SIGTERM), on a port chosen for the test, so "no server"
 * is checked as "nothing listens on that port".
 */
class ServeCommandTest {
  private final List<KeygateServer> started = new ArrayList<>();
  private int port;
  private Map<String, String> env;

  @BeforeEach
  void freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    env =
        Map.of(
            "KEYGATE_LISTEN", "127.0.0.1:" + port,
            "KEYGATE_ADMIN_TOKEN", "serve-admin-token-0123456789",
            "KEYGATE_SHUTDOWN_GRACE", "1s");
  }

  @AfterEach
  void stopServers() {
    started.forEach(KeygateServer::stop);
  }

  private CliRun cli(String... args) {
    return CliRun.run(
        env,
        "",
        Clock.systemUTC(),
        e -> {
          started.add(Main.start(KeygateConfig.fromEnv(e)));
          return 0;
        },
        args);
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void main_noArguments_servesOnTheConfiguredPort() {
    CliRun run = cli();
    assertEquals(0, run.exit(), run::toString);
    assertEquals(1, started.size());
    assertTrue(listening(), "the sidecar listens on KEYGATE_LISTEN");
  }

  @Test
  void serve_explicit_servesOnTheConfiguredPort() {
    CliRun run = cli("serve");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(listening());
  }

  @Test
  void main_help_printsUsageAndExitCodesAndStartsNoServer() {
    CliRun run = cli("--help");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().startsWith("Usage: keygate"), run::toString);
    assertTrue(run.out().contains("Exit codes:"), run::toString);
    assertTrue(run.out().contains("3   UNAUTHENTICATED"), run::toString);
    assertEquals(List.of(), started);
    assertFalse(listening(), "no server bound the port");
  }

  @Test
  void main_unknownArgument_usageOnStderrExit2AndStartsNoServer() {
    CliRun run = cli("--bogus");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().contains("Unknown option: '--bogus'"), run::toString);
    assertTrue(run.err().contains("Usage: keygate"), run::toString);
    assertEquals("", run.out());
    assertEquals(List.of(), started);
    assertFalse(listening(), "no server bound the port");
  }

  @Test
  void main_unknownCommand_exit2AndStartsNoServer() {
    CliRun run = cli("start");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().contains("Usage: keygate"), run::toString);
    assertFalse(listening(), "no server bound the port");
  }

  @Test
  void keysCreate_help_exit0WithoutRequiredOptions() {
    CliRun run = cli("keys", "create", "--help");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().contains("--secret-file"), run::toString);
    assertFalse(listening());
  }

  @Test
  void serve_configurationError_exit2() throws InterruptedException {
    assertEquals(2, Main.serve(Map.of("KEYGATE_LISTEN", "not an address")));
  }
}
