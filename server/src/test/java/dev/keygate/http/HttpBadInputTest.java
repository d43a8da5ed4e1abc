package dev.keygate.http;

import static dev.keygate.http.RawHttp.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.testing.NettyKeygate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a client that does not speak HTTP properly gets from the forward-auth listener (real Netty,
 * real Redis, raw sockets): a clear 4xx or a closed connection, and every other connection is
 * answered meanwhile. Also: pipelined requests are answered in order whatever completes first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBadInputTest {
  private NettyKeygate kg;
  private int port;
  private String secret;

  @BeforeAll
  void start() {
    kg =
        NettyKeygate.start(
            Map.of(
                "KEYGATE_HTTP_LISTEN", "127.0.0.1:0",
                "KEYGATE_HTTP_READ_TIMEOUT", "300ms",
                "KEYGATE_ROUTES", Path.of("../docs/http/routes.txt").toString()));
    port = kg.server.httpPort();
    secret =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build())
            .getSecret();
  }

  @AfterAll
  void stop() throws InterruptedException {
    kg.close();
  }

  private String good() {
    return request(
        "GET",
        "/forward",
        "X-Forwarded-Method: GET",
        "X-Forwarded-Uri: /v1/tasks",
        "Authorization: Bearer " + secret);
  }

  /** A well-formed request on a fresh connection is allowed: the listener is unaffected. */
  private void othersUnaffected() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(good());
      RawHttp.Response r = c.read();
      assertEquals(200, r.status(), r.head() + r.body());
      assertTrue(r.header("x-keygate-key-id") != null);
    }
  }

  private void refusedOrClosed(RawHttp c, int status) throws Exception {
    RawHttp.Response r = c.read();
    if (r.status() != -1) {
      assertEquals(status, r.status(), r.head() + r.body());
      assertTrue(r.body().contains("\"error\""), r.body());
    }
    assertTrue(c.closedByServer(), "the connection stays open after a bad request");
  }

  @Test
  void oversizedHeader_431AndClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(request("GET", "/forward", "X-Big: " + "a".repeat(20_000)));
      refusedOrClosed(c, 431);
    }
    othersUnaffected();
  }

  @Test
  void aThousandHeaders_431AndClosed() throws Exception {
    String[] headers = new String[1000];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "h" + i + ": v";
    }
    try (RawHttp c = new RawHttp(port)) {
      c.send(request("GET", "/forward", headers));
      refusedOrClosed(c, 431);
    }
    othersUnaffected();
  }

  @Test
  void invalidMethod_400AndClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("G\u0001T /forward HTTP/1.1\r\nHost: keygate\r\n\r\n");
      refusedOrClosed(c, 400);
    }
    othersUnaffected();
  }

  @Test
  void http10WithoutHost_400AndClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET /forward HTTP/1.0\r\nX-Forwarded-Uri: /v1/tasks\r\n\r\n");
      refusedOrClosed(c, 400);
    }
    othersUnaffected();
  }

  @Test
  void tooLongRequestLine_414AndClosed() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(request("GET", "/envoy/" + "a".repeat(10_000)));
      refusedOrClosed(c, 414);
    }
    othersUnaffected();
  }

  @Test
  void slowClient_408AndClosed_othersAnsweredMeanwhile() throws Exception {
    try (RawHttp slow = new RawHttp(port)) {
      slow.send("GET /forward HTTP/1.1\r\nHost: keygate\r\nX-Slow: ");
      // one byte at a time, never finishing the head: an idle timeout alone would never fire
      RawHttp.Response r = null;
      for (int i = 0; i < 200 && r == null; i++) {
        othersUnaffected();
        try {
          slow.send("a");
        } catch (java.io.IOException closed) {
          break;
        }
        slow.socket.setSoTimeout(50);
        try {
          int b = slow.socket.getInputStream().read();
          assertEquals('H', b, "a response starts");
          slow.socket.setSoTimeout(5_000);
          r = slow.read();
        } catch (java.net.SocketTimeoutException notYet) {
          // still being read
        }
      }
      assertTrue(r != null, "the slow client was never refused");
      assertEquals(408, r.status(), r.head());
    }
  }

  @Test
  void partialRequestBehindACompleteOne_408() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(good() + "GET /forward HTTP/1.1\r\nHost: k");
      assertEquals(200, c.read().status());
      RawHttp.Response r = c.read();
      assertEquals(408, r.status(), r.head());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void pipelined_answeredInOrder_thoughLaterOnesCompleteFirst() throws Exception {
    // a key never read yet: its decision waits for Redis, while the next two complete at once
    var fresh =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("fresh")
                    .addScopes("tasks:read")
                    .build());
    othersUnaffected(); // caches the other key
    try (RawHttp c = new RawHttp(port)) {
      c.send(
          request(
                  "GET",
                  "/forward",
                  "X-Forwarded-Method: GET",
                  "X-Forwarded-Uri: /v1/tasks",
                  "Authorization: Bearer " + fresh.getSecret())
              + request("GET", "/forward", "X-Forwarded-Method: GET", "X-Forwarded-Uri: /v1/tasks")
              + good());
      RawHttp.Response first = c.read();
      RawHttp.Response second = c.read();
      RawHttp.Response third = c.read();
      assertEquals(200, first.status(), first.body());
      assertEquals(fresh.getKey().getId(), first.header("x-keygate-key-id"));
      assertEquals(401, second.status());
      assertTrue(second.body().contains("KEY_MISSING"), second.body());
      assertEquals(200, third.status(), third.body());
      assertTrue(!fresh.getKey().getId().equals(third.header("x-keygate-key-id")));
    }
  }

  @Test
  void duplicateConventionHeader_400() throws Exception {
    try (RawHttp c = new RawHttp(port)) {
      c.send(
          request(
              "GET",
              "/forward",
              "X-Forwarded-Uri: /v1/tasks",
              "X-Forwarded-Uri: /public",
              "X-Forwarded-Method: GET",
              "Authorization: Bearer " + secret));
      RawHttp.Response r = c.read();
      assertEquals(400, r.status(), r.body());
      assertTrue(r.body().contains("INVALID_ARGUMENT"), r.body());
    }
  }
}
