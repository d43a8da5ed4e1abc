package dev.keygate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Duration;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.testing.NettyKeygate;
import dev.keygate.testing.ProxyProcess;
import dev.keygate.testing.RecordingUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * keygate behind a real proxy, run with the example config under {@code docs/http/} (ports
 * replaced), in front of an upstream that records what reaches it. Every subclass proxy must show
 * the same: a good key reaches the upstream with identity and without the key; every refusal
 * reaches the client with its status, headers and JSON body and never reaches the upstream; with
 * keygate stopped the proxy fails closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ProxyForwardAuthContract {
  static final Path DOCS = Path.of("../docs/http");

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private NettyKeygate kg;
  private RecordingUpstream upstream;
  private ProxyProcess proxy;
  private CreateKeyResponse reader;
  private String limited;
  private String revoked;

  /** Starts the proxy from its example config. */
  abstract ProxyProcess startProxy(int keygatePort, int upstreamPort);

  /** Whether the proxy passes keygate's RateLimit-* headers to the client on an allowed call. */
  abstract boolean passesRateLimitOnSuccess();

  @BeforeAll
  void start() {
    kg =
        NettyKeygate.start(
            Map.of(
                "KEYGATE_HTTP_LISTEN", "127.0.0.1:0",
                "KEYGATE_ROUTES", DOCS.resolve("routes.txt").toString(),
                "KEYGATE_HTTP_SCOPE_HEADER", "x-keygate-scope"));
    upstream = RecordingUpstream.start();
    proxy = startProxy(kg.server.httpPort(), upstream.port());
    reader = create("reader", null, "tasks:read", "reports:read");
    limited = create("limited", 1, "tasks:read").getSecret();
    CreateKeyResponse r = create("revoked", null, "tasks:read");
    kg.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder().setId(r.getKey().getId()).setReason("test").build());
    revoked = r.getSecret();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (kg != null) {
      kg.close();
    }
  }

  private CreateKeyResponse create(String name, Integer perMinute, String... scopes) {
    CreateKeyRequest.Builder b = CreateKeyRequest.newBuilder().setProject("acme").setName(name);
    for (String s : scopes) {
      b.addScopes(s);
    }
    if (perMinute != null) {
      b.setRateLimit(
          RateLimit.newBuilder()
              .setRequests(perMinute)
              .setPeriod(Duration.newBuilder().setSeconds(3600)));
    }
    return kg.admin().createKey(b.build());
  }

  HttpResponse<String> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port + path))
            .timeout(java.time.Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A refusal: the status, the reason in the JSON body, and nothing reached the upstream. */
  private JsonObject refused(HttpResponse<String> response, int status, String reason) {
    int before = upstream.seen().size();
    assertEquals(status, response.statusCode(), () -> response.body() + "\n" + proxy.output());
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertEquals(reason, body.get("reason").getAsString(), response.body());
    assertTrue(response.headers().firstValue("content-type").orElse("").contains("json"));
    assertEquals(before, upstream.seen().size(), "a refused request reached the upstream");
    return body;
  }

  @Test
  @Order(1)
  void goodKey_reachesUpstreamWithIdentity_withoutTheKey() throws Exception {
    int before = upstream.seen().size();
    HttpResponse<String> r =
        send(
            "GET",
            "/v1/tasks/42?x=1",
            "Authorization",
            "Bearer " + reader.getSecret(),
            "X-Keygate-Key-Id",
            "spoofed");
    assertEquals(200, r.statusCode(), () -> r.body() + proxy.output());
    assertEquals(RecordingUpstream.BODY, r.body());
    assertEquals(before + 1, upstream.seen().size());
    RecordingUpstream.Seen seen = upstream.last();
    assertEquals("/v1/tasks/42", seen.path());
    assertEquals(reader.getKey().getId(), seen.header("x-keygate-key-id"));
    assertEquals("acme", seen.header("x-keygate-project"));
    assertEquals("tasks:read reports:read", seen.header("x-keygate-scopes"));
    assertEquals("live", seen.header("x-keygate-environment"));
    assertNull(seen.header("authorization"), "the key reached the upstream");
  }

  @Test
  @Order(2)
  void keyInXApiKey_isRemovedToo() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/tasks", "X-Api-Key", reader.getSecret());
    assertEquals(200, r.statusCode(), r::body);
    assertNull(upstream.last().header("x-api-key"));
    assertEquals(reader.getKey().getId(), upstream.last().header("x-keygate-key-id"));
  }

  @Test
  @Order(3)
  void missingKey_401WithChallenge() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/tasks");
    refused(r, 401, "KEY_MISSING");
    assertEquals(1, r.headers().allValues("www-authenticate").size(), r.headers().toString());
    assertEquals(
        "Bearer realm=\"keygate\"", r.headers().firstValue("www-authenticate").orElse(null));
  }

  @Test
  @Order(4)
  void garbageKey_401InvalidToken() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/tasks", "Authorization", "Bearer kg_live_garbage");
    refused(r, 401, "KEY_MALFORMED");
    assertTrue(
        r.headers().firstValue("www-authenticate").orElse("").contains("invalid_token"),
        r.headers().map().toString());
  }

  @Test
  @Order(5)
  void revokedKey_401() throws Exception {
    refused(send("GET", "/v1/tasks", "Authorization", "Bearer " + revoked), 401, "KEY_REVOKED");
  }

  @Test
  @Order(6)
  void missingScope_403NamesTheScope_clientCannotPickItsOwnScope() throws Exception {
    JsonObject body =
        refused(
            send(
                "DELETE",
                "/v1/tasks/42",
                "Authorization",
                "Bearer " + reader.getSecret(),
                "X-Keygate-Scope",
                "any-key"),
            403,
            "SCOPE_MISSING");
    assertEquals("tasks:delete", body.get("missing_scopes").getAsString());
  }

  @Test
  @Order(7)
  void scopeSetByTheProxyConfig_decides() throws Exception {
    HttpResponse<String> ok =
        send("GET", "/reports/q3", "Authorization", "Bearer " + reader.getSecret());
    assertEquals(200, ok.statusCode(), ok::body);
    assertEquals("/reports/q3", upstream.last().path());
    JsonObject body =
        refused(
            send("GET", "/reports/q3", "Authorization", "Bearer " + limited), 403, "SCOPE_MISSING");
    assertEquals("reports:read", body.get("missing_scopes").getAsString());
  }

  @Test
  @Order(8)
  void unroutedPath_403RouteDenied() throws Exception {
    refused(
        send("GET", "/v2/other", "Authorization", "Bearer " + reader.getSecret()),
        403,
        "ROUTE_DENIED");
  }

  @Test
  @Order(9)
  void rateLimitedKey_429WithRetryAfter() throws Exception {
    HttpResponse<String> first = send("GET", "/v1/tasks", "Authorization", "Bearer " + limited);
    assertEquals(200, first.statusCode(), first::body);
    if (passesRateLimitOnSuccess()) {
      assertEquals("1", first.headers().firstValue("ratelimit-limit").orElse(null));
      assertEquals("0", first.headers().firstValue("ratelimit-remaining").orElse(null));
    }
    HttpResponse<String> r = send("GET", "/v1/tasks", "Authorization", "Bearer " + limited);
    JsonObject body = refused(r, 429, "RATE_LIMITED");
    long retry = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
    assertTrue(retry >= 1 && retry <= 3600, "Retry-After " + retry);
    assertEquals(retry, body.get("retry_after").getAsLong());
    assertEquals("1", r.headers().firstValue("ratelimit-limit").orElse(null));
  }

  @Test
  @Order(100)
  void keygateStopped_proxyFailsClosed() throws Exception {
    int before = upstream.seen().size();
    kg.server.stop();
    HttpResponse<String> r =
        send("GET", "/v1/tasks", "Authorization", "Bearer " + reader.getSecret());
    assertTrue(r.statusCode() >= 500 && r.statusCode() < 600, r.statusCode() + " " + r.body());
    assertEquals(before, upstream.seen().size(), "forwarded while keygate was down");
    assertNotNull(r.body());
  }
}
