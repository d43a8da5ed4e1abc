package dev.keygate.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One redis-server for the fixtures of a whole test JVM that are not JUnit parameters (see {@link
 * InProcessKeygate}): started on first use, stopped when the JVM exits. {@code
 * KEYGATE_TEST_REDIS_URL} names a Redis of one's own instead, as for {@link RedisServerExtension}.
 */
final class RunRedis {
  private static final AtomicLong NAMESPACES = new AtomicLong();

  /** The run's Redis URL. */
  static final Supplier<String> URL = RunRedis::url;

  private RunRedis() {}

  private static final class Holder {
    static final String URL = start();

    private static String start() {
      String external = System.getenv(RedisServerExtension.URL_ENV);
      if (external != null && !external.isBlank()) {
        return external.trim();
      }
      RedisServer server = RedisServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "run-redis-stop"));
      return server.url();
    }
  }

  private static String url() {
    return Holder.URL;
  }

  /** A namespace no other fixture of this run (or of another run on a shared Redis) uses. */
  static String newNamespace() {
    return "kgrun" + NAMESPACES.incrementAndGet() + Long.toString(System.nanoTime(), 36);
  }
}
