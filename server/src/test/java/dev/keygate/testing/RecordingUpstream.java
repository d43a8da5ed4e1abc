package dev.keygate.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The application behind a proxy in the forward-auth tests: a JDK HTTP server on a free loopback
 * port that answers 200 "upstream" and records every request that reached it (path and headers,
 * names lower-cased).
 */
public final class RecordingUpstream implements AutoCloseable {
  /** One request that reached the upstream. */
  public record Seen(String method, String path, Map<String, List<String>> headers) {
    /** The first value of a header; null when absent. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  public static final String BODY = "upstream";

  private final HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  private RecordingUpstream(HttpServer server) {
    this.server = server;
  }

  public static RecordingUpstream start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RecordingUpstream upstream = new RecordingUpstream(server);
    server.createContext(
        "/",
        exchange -> {
          Map<String, List<String>> headers = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
          upstream.seen.add(
              new Seen(
                  exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers));
          byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return upstream;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Every request that reached the upstream, in order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The last request that reached the upstream; null when none did. */
  public Seen last() {
    return seen.isEmpty() ? null : seen.get(seen.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
