package dev.keygate.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port of the host (the container shares the host's
 * network), without persistence. Pause/resume send SIGSTOP/SIGCONT, so commands keygate sent stay
 * unanswered in between.
 */
final class HostRedis implements AutoCloseable {
  private static final int START_ATTEMPTS = 50;
  private final Process process;
  final int port;

  private HostRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static HostRedis start(Path log) throws IOException, InterruptedException {
    int port = freePort();
    Process p =
        new ProcessBuilder(
                "redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HostRedis redis = new HostRedis(p, port);
    for (int i = 0; i < START_ATTEMPTS; i++) {
      if (redis.answersPing()) {
        return redis;
      }
      if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    p.destroyForcibly();
    throw new IOException("redis-server did not answer on port " + port + " (log: " + log + ")");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private boolean answersPing() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(1000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Processes.output(Path.of("."), List.of("kill", sig, String.valueOf(process.pid())));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
