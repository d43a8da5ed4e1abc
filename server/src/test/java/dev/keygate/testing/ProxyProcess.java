package dev.keygate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real reverse proxy (nginx or caddy, Debian's binaries) started from one of the example configs
 * under {@code docs/http/}, with only its ports replaced: the file the tests run is the file users
 * copy. It runs as the current user in a temporary directory (pid, logs, temp files there).
 */
public final class ProxyProcess implements AutoCloseable {
  /** The example configs' ports, replaced by the test's. */
  public static final String KEYGATE = "127.0.0.1:7071";

  public static final String APP = "127.0.0.1:3000";
  public static final String LISTEN = "127.0.0.1:8080";

  private final Process process;
  private final Path dir;
  public final int port;

  private ProxyProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The binary's path, or null when it is not installed (the test is then skipped). */
  public static String binary(String name) {
    for (String d : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    return null;
  }

  /** The example file with its three addresses replaced; each must occur in the file. */
  public static String template(Path example, int keygatePort, int appPort, int listenPort) {
    try {
      String text = Files.readString(example);
      for (Map.Entry<String, String> e :
          Map.of(
                  KEYGATE, "127.0.0.1:" + keygatePort,
                  APP, "127.0.0.1:" + appPort,
                  LISTEN, "127.0.0.1:" + listenPort)
              .entrySet()) {
        if (!text.contains(e.getKey())) {
          throw new IllegalStateException(example + " no longer names " + e.getKey());
        }
        text = text.replace(e.getKey(), e.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** nginx in the foreground, prefix = a temp dir: {@code -p dir -c conf -g 'daemon off;'}. */
  public static ProxyProcess nginx(Path example, int keygatePort, int appPort) {
    Path dir = tempDir("nginx");
    int port = freePort();
    try {
      Files.createDirectories(dir.resolve("logs"));
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, template(example, keygatePort, appPort, port));
      return start(
          List.of(
              binary("nginx"),
              "-p",
              dir + "/",
              "-c",
              conf.toString(),
              "-g",
              "daemon off; user " + System.getProperty("user.name") + ";"),
          dir,
          port,
          Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code caddy run} with the Caddyfile adapter; its data and config dirs in a temp dir. */
  public static ProxyProcess caddy(Path example, int keygatePort, int appPort) {
    Path dir = tempDir("caddy");
    int port = freePort();
    try {
      Path conf = dir.resolve("Caddyfile");
      Files.writeString(conf, template(example, keygatePort, appPort, port));
      return start(
          List.of(binary("caddy"), "run", "--config", conf.toString(), "--adapter", "caddyfile"),
          dir,
          port,
          Map.of(
              "HOME", dir.toString(),
              "XDG_DATA_HOME", dir.resolve("data").toString(),
              "XDG_CONFIG_HOME", dir.resolve("config").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProxyProcess start(
      List<String> command, Path dir, int port, Map<String, String> env) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.log").toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    ProxyProcess proxy = new ProxyProcess(process, dir, port);
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            command.get(0) + " exited " + process.exitValue() + ": " + proxy.output());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return proxy;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    proxy.close();
    throw new IllegalStateException(command.get(0) + " did not listen: " + proxy.output());
  }

  /** What the proxy wrote (its log and error log). */
  public String output() {
    StringBuilder out = new StringBuilder();
    for (Path p : List.of(dir.resolve("output.log"), dir.resolve("logs/error.log"))) {
      try {
        if (Files.exists(p)) {
          out.append(Files.readString(p));
        }
      } catch (IOException e) {
        out.append("(cannot read ").append(p).append(")");
      }
    }
    return out.toString();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir(String name) {
    try {
      return Files.createTempDirectory("keygate-" + name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
