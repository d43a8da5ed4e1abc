package dev.keygate;

import dev.keygate.cli.CliContext;
import dev.keygate.cli.KeygateCli;
import dev.keygate.config.ConfigException;
import dev.keygate.config.KeygateConfig;
import dev.keygate.store.KeyStore;
import dev.keygate.store.Stores;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code keygate} command: {@link KeygateCli} parses the arguments; without any it serves, as
 * {@link #serve} does, from environment variables, and SIGTERM drains and stops the sidecar.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(KeygateCli.run(CliContext.system(Main::serve), args));
  }

  /**
   * Starts the sidecar configured by {@code env} and waits until it has stopped.
   *
   * @return 0 once stopped; 2 for a configuration error; 1 when it cannot start
   */
  public static int serve(Map<String, String> env) throws InterruptedException {
    KeygateConfig config;
    try {
      config = KeygateConfig.fromEnv(env);
    } catch (ConfigException e) {
      System.err.println("keygate: configuration error: " + e.getMessage());
      return 2;
    }
    KeygateServer server;
    try {
      server = start(config);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      // a port in use, or a KEYGATE_REDIS_URL the Redis client cannot use (message has no password)
      System.err.println("keygate: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop();
                  // drained and stopped: a clean exit, 0, as Kubernetes and systemd expect of a
                  // SIGTERM, not the JVM's 143 for "killed by a signal". Nothing else is left to
                  // run: the server's stop is the shutdown
                  Runtime.getRuntime().halt(0);
                },
                "keygate-shutdown"));
    server.awaitTermination();
    return 0;
  }

  /** Opens the store, assembles the services and starts serving. */
  public static KeygateServer start(KeygateConfig config) {
    log.info("starting keygate: {}", config);
    KeyStore store = Stores.open(config.redis(), config.cache());
    log.info("key store: {}", store.describe());
    byte[] pepper = config.keys().pepper();
    if (pepper == null) {
      // only reachable with the in-memory store: its keys die with the process, and so may the
      // pepper
      pepper = new byte[32];
      new SecureRandom().nextBytes(pepper);
      log.warn(
          "in-memory store: keys live in this process only and are lost on exit; "
              + "set KEYGATE_REDIS_URL and KEYGATE_PEPPER to keep them");
    }
    if (config.admin().token() == null) {
      log.warn("KEYGATE_ADMIN_TOKEN is not set: KeyAdmin accepts only API keys holding keys:write");
    }
    return KeygateServer.start(
        config.server(),
        config.tls(),
        config.metrics(),
        config.http(),
        new Keygate(config, pepper, store, Clock.systemUTC()));
  }
}
