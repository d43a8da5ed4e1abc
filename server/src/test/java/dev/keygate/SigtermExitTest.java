package dev.keygate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.ProxyProcess;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sidecar as its own process, started as {@code java ... dev.keygate.Main} with no arguments,
 * the way the image runs it: SIGTERM drains it and the process exits 0, the status Kubernetes and
 * systemd take for a clean stop (the JVM's default after a signal is 143).
 */
class SigtermExitTest {
  @Test
  void main_sigterm_drainsAndExitsZero() throws Exception {
    int port = ProxyProcess.freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("KEYGATE_LISTEN", "127.0.0.1:" + port);
    builder.environment().put("KEYGATE_ADMIN_TOKEN", "sigterm-admin-token-0123456789");
    builder.environment().put("KEYGATE_SHUTDOWN_GRACE", "2s");
    Process process = builder.start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Health.await(channel, "", ServingStatus.SERVING, Eventually.LIMIT);
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS), "stopped");
      assertEquals(0, process.exitValue());
    } finally {
      process.destroyForcibly();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
