package dev.keygate.leak;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keygate.error.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /github/secret-scanning} on a listener of its own ({@code KEYGATE_LEAK_LISTEN}, the
 * JDK's HTTP server): GitHub's secret-scanning partner program reports the keygate keys it found.
 *
 * <p>A report is acted on only if it is within {@code KEYGATE_LEAK_MAX_BODY_BYTES} (else 413,
 * refused before the body is read), signed ({@code Github-Public-Key-Identifier} and {@code
 * Github-Public-Key-Signature}, else 401) by one of the configured public keys (else 401),
 * well-formed (else 400) and not a replay of a report already acted on (else 409). Each refusal is
 * sampled into the global audit trail ({@value LeakEvents#REPORT_REFUSED}) and changes nothing. An
 * accepted report is answered 200 with one {@code {"token_hash", "token_type", "label"}} per match;
 * 503 when the store cannot answer (GitHub retries, and the retry is not a replay).
 *
 * <p>Bounds: {@value #THREADS} handler threads, {@value #QUEUE} reports queued (beyond that the
 * connection is closed at once), the body size, {@value FoundToken#MAX_TOKENS} matches a report.
 */
public final class LeakEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeakEndpoint.class);
  public static final String PATH = "/github/secret-scanning";
  static final String KEY_ID_HEADER = "Github-Public-Key-Identifier";
  static final String SIGNATURE_HEADER = "Github-Public-Key-Signature";
  static final int THREADS = 2;
  static final int QUEUE = 32;

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private LeakEndpoint(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on the configured address and acts on reports through {@code keys}.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static LeakEndpoint start(LeakSettings settings, LeakReports reports) {
    HttpServer server;
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(settings.listen().host(), settings.listen().port()), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for leak reports on " + settings.listen() + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "keygate-leak-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    server.createContext("/", exchange -> handle(exchange, reports));
    server.setExecutor(executor);
    server.start();
    log.info(
        "leak reports on http://{}:{}{}",
        settings.listen().host(),
        server.getAddress().getPort(),
        PATH);
    return new LeakEndpoint(server, executor);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, LeakReports reports) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      LeakReports.Answer answer;
      String declared = exchange.getRequestHeaders().getFirst("Content-Length");
      if (declared != null && tooLarge(declared, reports.maxBodyBytes())) {
        answer =
            reports.refuse(
                Reason.LEAK_REPORT_TOO_LARGE,
                "the report is larger than " + reports.maxBodyBytes() + " bytes");
      } else {
        byte[] body = readAtMost(exchange.getRequestBody(), reports.maxBodyBytes() + 1);
        answer =
            reports.receive(
                exchange.getRequestHeaders().getFirst(KEY_ID_HEADER),
                exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER),
                body);
      }
      byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (answer.status() == 413) {
        // the rest of the body was not read: do not try to reuse the connection
        exchange.getResponseHeaders().set("Connection", "close");
      }
      exchange.sendResponseHeaders(answer.status(), out.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(out);
      }
    }
  }

  private static boolean tooLarge(String contentLength, int max) {
    try {
      return Long.parseLong(contentLength.trim()) > max;
    } catch (NumberFormatException e) {
      // the JDK server refuses a bad Content-Length itself; be safe regardless
      return true;
    }
  }

  /** Reads the body, but never more than {@code limit} bytes of it. */
  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    try (in) {
      return in.readNBytes(limit);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** JSON for an error answer (no token ever appears in it). */
  static String errorJson(Reason reason, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", reason.name());
    o.addProperty("message", message);
    return o.toString();
  }

  /** The program's response: one object per match. */
  static String verdictsJson(List<LeakedKeys.Verdict> verdicts) {
    JsonArray array = new JsonArray();
    for (LeakedKeys.Verdict v : verdicts) {
      JsonObject o = new JsonObject();
      o.addProperty("token_hash", v.tokenHash());
      o.addProperty("token_type", v.tokenType());
      o.addProperty("label", v.label().json());
      array.add(o);
    }
    return array.toString();
  }
}
