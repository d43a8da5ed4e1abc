package dev.keygate;

import dev.keygate.config.Durations;
import dev.keygate.http.HttpAuthServer;
import dev.keygate.http.HttpSettings;
import dev.keygate.leak.LeakEndpoint;
import dev.keygate.metrics.MetricsEndpoint;
import dev.keygate.metrics.MetricsSettings;
import dev.keygate.tls.ServerTls;
import dev.keygate.tls.TlsSettings;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Keygate} on a Netty gRPC port, with an orderly stop: health turns NOT_SERVING, new calls
 * are refused, in-flight calls get the grace period to finish, then usage counts are flushed and
 * the store is closed.
 */
public final class KeygateServer {
  private static final Logger log = LoggerFactory.getLogger(KeygateServer.class);

  /** Largest request accepted; admin requests are a few KiB at most. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 1 << 20;

  /** Largest header block accepted (gRPC's default, stated so it is a documented bound). */
  static final int MAX_INBOUND_METADATA_BYTES = 8 << 10;

  private final Keygate app;
  private final Server server;
  private final Duration shutdownGrace;
  private final MetricsEndpoint metrics; // null when KEYGATE_METRICS_LISTEN is off
  private final HttpAuthServer http; // null when KEYGATE_HTTP_LISTEN is off
  private final LeakEndpoint leak; // null when KEYGATE_LEAK_LISTEN is off

  private KeygateServer(
      Keygate app,
      Server server,
      Duration shutdownGrace,
      MetricsEndpoint metrics,
      HttpAuthServer http,
      LeakEndpoint leak) {
    this.app = app;
    this.leak = leak;
    this.server = server;
    this.shutdownGrace = shutdownGrace;
    this.metrics = metrics;
    this.http = http;
  }

  /**
   * As {@link #start(ServerSettings, TlsSettings, MetricsSettings, HttpSettings, Keygate)} without
   * the HTTP listener.
   */
  public static KeygateServer start(
      ServerSettings settings, TlsSettings tls, MetricsSettings metricsSettings, Keygate app) {
    return start(settings, tls, metricsSettings, HttpSettings.defaults(), app);
  }

  /** Binds the ports and starts serving; health stays NOT_SERVING until the store answers. */
  public static KeygateServer start(
      ServerSettings settings,
      TlsSettings tls,
      MetricsSettings metricsSettings,
      HttpSettings httpSettings,
      Keygate app) {
    NettyServerBuilder builder;
    try {
      builder =
          NettyServerBuilder.forAddress(
              new InetSocketAddress(settings.listen().host(), settings.listen().port()),
              ServerTls.credentials(tls));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      app.close();
      // gRPC parses the certificate, key and CA here; its message names the problem, not secrets
      throw new IllegalArgumentException(
          "KEYGATE_TLS_CERT_FILE / KEYGATE_TLS_KEY_FILE / "
              + "KEYGATE_TLS_CLIENT_CA_FILE cannot be used: "
              + e.getMessage(),
          e);
    }
    Server server =
        app.bind(
                builder
                    // calls run on the event loop that read them; whatever may block is moved to
                    // the
                    // worker pool by the services themselves (see Keygate.bind)
                    .directExecutor()
                    .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                    .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      app.close();
      throw new UncheckedIOException(
          "cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
    }
    MetricsEndpoint metrics = null;
    if (metricsSettings.enabled()) {
      try {
        metrics =
            MetricsEndpoint.start(
                metricsSettings.listen().host(), metricsSettings.listen().port(), app.metrics());
      } catch (UncheckedIOException e) {
        server.shutdownNow();
        app.close();
        throw e;
      }
    }
    HttpAuthServer http = null;
    if (httpSettings.enabled()) {
      try {
        http = HttpAuthServer.start(httpSettings, app.httpAuthorization(httpSettings));
      } catch (UncheckedIOException e) {
        if (metrics != null) {
          metrics.close();
        }
        server.shutdownNow();
        app.close();
        throw e;
      }
    }
    LeakEndpoint leak = null;
    if (app.leakSettings().enabled()) {
      try {
        leak = LeakEndpoint.start(app.leakSettings(), app.leakReports());
      } catch (UncheckedIOException e) {
        if (http != null) {
          http.close();
        }
        if (metrics != null) {
          metrics.close();
        }
        server.shutdownNow();
        app.close();
        throw e;
      }
    }
    app.health().start(Duration.ofSeconds(1));
    log.info(
        "keygate listening on {}:{} (TLS {})", settings.listen().host(), server.getPort(), tls);
    return new KeygateServer(app, server, settings.shutdownGrace(), metrics, http, leak);
  }

  /** The metrics endpoint's bound port; -1 when KEYGATE_METRICS_LISTEN is off. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** The HTTP forward-auth listener's bound port; -1 when KEYGATE_HTTP_LISTEN is off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The leaked-key endpoint's bound port; -1 when KEYGATE_LEAK_LISTEN is off. */
  public int leakPort() {
    return leak == null ? -1 : leak.port();
  }

  /** The bound port (useful when the config asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** The application being served (its meters, health, parts). */
  public Keygate app() {
    return app;
  }

  /** Drains and stops; safe to call more than once. */
  public synchronized void stop() {
    if (server.isTerminated()) {
      return;
    }
    log.info(
        "shutting down: draining in-flight calls for up to {}", Durations.format(shutdownGrace));
    app.health().close();
    if (leak != null) {
      // a report cut off here is answered with an error, and GitHub retries it
      leak.close();
    }
    server.shutdown();
    if (http != null) {
      // answers the auth requests waiting for a decision (with Connection: close), then closes
      http.drain(shutdownGrace);
    }
    try {
      if (!server.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (metrics != null) {
      // last: a final scrape during the drain still works
      metrics.close();
    }
    app.close();
    log.info("keygate stopped");
  }

  /** Blocks until the server has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
