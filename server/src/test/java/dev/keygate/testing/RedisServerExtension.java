package dev.keygate.testing;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link TestRedis} parameters. All tests of a JVM share one redis-server, started on
 * first use and stopped when the run ends (the root store closes {@link AutoCloseable} values).
 * With {@code KEYGATE_TEST_REDIS_URL} set, that Redis is used instead and no process is started.
 */
public final class RedisServerExtension implements ParameterResolver {
  public static final String URL_ENV = "KEYGATE_TEST_REDIS_URL";
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestRedis.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(SharedRedis.class, k -> SharedRedis.create(), SharedRedis.class);
  }

  /** The run's Redis; closing it stops the process if this run started one. */
  static final class SharedRedis implements TestRedis, AutoCloseable {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final RedisServer server; // null when the environment gave a URL

    private SharedRedis(String url, RedisServer server) {
      this.url = url;
      this.server = server;
    }

    static SharedRedis create() {
      String external = System.getenv(URL_ENV);
      if (external != null && !external.isBlank()) {
        return new SharedRedis(external.trim(), null);
      }
      RedisServer server = RedisServer.start();
      return new SharedRedis(server.url(), server);
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    public String newNamespace() {
      // counter for uniqueness within the run, random part against other runs on a shared Redis
      return "kgtest" + COUNTER.incrementAndGet() + Long.toString(RANDOM.nextLong() >>> 1, 36);
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }
}
