package dev.keygate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence unless the extra
 * arguments turn it on (e.g. {@code "--appendonly", "yes"}), for tests. Its output goes to a log
 * file in its temporary directory, so the pipe can never fill and block it. A JVM shutdown hook
 * kills it if a test run dies without closing it.
 */
public final class RedisServer implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 10_000;
  private static final int START_ATTEMPTS = 3;

  private final Path executable;
  private final Path dir;
  private final List<String> extraArgs;
  private final Thread shutdownHook;

  /** Sentinel configuration file (sentinels need a writable one); null for a data server. */
  private Path sentinelConfig;

  private int port;
  private Process process;
  private boolean closed;

  private RedisServer(Path executable, Path dir, List<String> extraArgs) {
    this.executable = executable;
    this.dir = dir;
    this.extraArgs = List.copyOf(extraArgs);
    this.shutdownHook = new Thread(this::destroyProcess, "redis-server-killer");
  }

  /**
   * Starts a redis-server and waits until it answers.
   *
   * @param extraArgs further command-line options, e.g. {@code "--requirepass", "pw"}
   */
  public static RedisServer start(String... extraArgs) {
    return launchNew(null, extraArgs);
  }

  /**
   * Starts a Sentinel ({@code redis-server <config> --sentinel}) watching the master on {@code
   * masterPort} under {@code masterName}, with short failure detection for tests.
   */
  public static RedisServer startSentinel(String masterName, int masterPort, int quorum) {
    return startSentinel(masterName, masterPort, quorum, List.of());
  }

  /** As {@link #startSentinel(String, int, int)}, with more lines for its config file. */
  public static RedisServer startSentinel(
      String masterName, int masterPort, int quorum, List<String> extraConfig) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum,
                "sentinel down-after-milliseconds " + masterName + " 1000",
                "sentinel failover-timeout " + masterName + " 4000",
                "sentinel parallel-syncs " + masterName + " 1"));
    lines.addAll(extraConfig);
    lines.add("");
    return launchNew(String.join("\n", lines));
  }

  private static RedisServer launchNew(String sentinelConfig, String... extraArgs) {
    Path executable = findExecutable();
    Path dir;
    try {
      dir = Files.createTempDirectory("keygate-redis");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisServer server = new RedisServer(executable, dir, List.of(extraArgs));
    if (sentinelConfig != null) {
      server.sentinelConfig = dir.resolve("sentinel.conf");
      try {
        Files.writeString(server.sentinelConfig, sentinelConfig);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    IllegalStateException failure = null;
    // the free port can be taken between probing and binding: try a few fresh ports
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      server.port = freePort();
      try {
        server.launch();
        return server;
      } catch (IllegalStateException e) {
        failure = e;
      }
    }
    server.close();
    throw failure;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The server's log file (stdout and stderr). */
  public Path logFile() {
    return dir.resolve("redis.log");
  }

  /** SIGKILLs the server and waits for it to exit: clients see connection refused afterwards. */
  public synchronized void kill() {
    destroyProcess();
  }

  /** True while the process runs (false after {@link #kill()} until {@link #restart()}). */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The server's temporary directory (Cluster node files, sentinel config). */
  public Path dir() {
    return dir;
  }

  /**
   * SIGSTOPs the server: it keeps its port and the kernel still accepts connections, but nothing
   * answers until {@link #resume()}; the model of a Redis that hangs.
   */
  public synchronized void pause() {
    signal("-STOP");
  }

  /** SIGCONTs a {@linkplain #pause() paused} server. */
  public synchronized void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(p.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending " + signal, e);
    }
  }

  /**
   * Starts the server again on the same port and in the same directory (after {@link #kill()}):
   * without persistence the data is gone; started with {@code "--appendonly", "yes"} it reloads its
   * append-only file.
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    destroyProcess();
    launch();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroyProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook does the same work
    }
    deleteRecursively(dir);
  }

  private synchronized void launch() {
    List<String> command = new ArrayList<>();
    if (sentinelConfig != null) {
      // the config file must come first; sentinels rewrite it with what they learn
      command.addAll(
          List.of(
              executable.toString(),
              sentinelConfig.toString(),
              "--sentinel",
              "--port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--dir",
              dir.toString()));
    } else {
      command.addAll(
          List.of(
              executable.toString(),
              "--port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--save",
              "",
              "--appendonly",
              "no",
              "--dir",
              dir.toString()));
    }
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + executable, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server on port "
                + port
                + " exited with "
                + process.exitValue()
                + "; see "
                + logFile());
      }
      if (answersPing()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        destroyProcess();
        throw new IllegalStateException("interrupted while starting redis-server", e);
      }
    }
    destroyProcess();
    throw new IllegalStateException(
        "redis-server on port "
            + port
            + " did not answer PING within "
            + START_TIMEOUT_MILLIS
            + " ms; see "
            + logFile());
  }

  /** True if something on the port answers PING, even with an error such as NOAUTH. */
  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      // "+PONG" normally; "-NOAUTH ..." when started with --requirepass; "-LOADING" is not ready
      if (first == '+') {
        return true;
      }
      if (first == '-') {
        byte[] rest = in.readNBytes(7);
        return !new String(rest, StandardCharsets.US_ASCII).startsWith("LOADING");
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private synchronized void destroyProcess() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly(); // SIGKILL on Unix
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  private static Path findExecutable() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty()) {
          candidates.add(Path.of(entry, "redis-server"));
        }
      }
    }
    candidates.add(Path.of("/usr/bin/redis-server"));
    candidates.add(Path.of("/usr/local/bin/redis-server"));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("redis-server not found: apt-get install -y redis-server");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
