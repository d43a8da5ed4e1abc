package dev.keygate.metrics;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.RedisServer;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server as Main starts it, over a real Redis, with the metrics endpoint on a free loopback
 * port, scraped over HTTP as Prometheus would.
 */
class MetricsEndpointTest {
  private static final String ADMIN_TOKEN = "metrics-admin-token-0123456789";
  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final RedisServer redis = RedisServer.start();
  private final KeygateServer server =
      Main.start(
          KeygateConfig.fromEnv(
              Map.of(
                  "KEYGATE_LISTEN", "127.0.0.1:0",
                  "KEYGATE_METRICS_LISTEN", "127.0.0.1:0",
                  "KEYGATE_REDIS_URL", redis.url(),
                  "KEYGATE_REDIS_TIMEOUT", "500ms",
                  "KEYGATE_PEPPER", "metrics-pepper-0123456789abcdef",
                  "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                  "KEYGATE_SHUTDOWN_GRACE", "1s")));
  private final ManagedChannel channel =
      NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    redis.close();
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() {
    try {
      HttpResponse<String> response = get("/metrics", "GET");
      assertEquals(200, response.statusCode());
      return response.body();
    } catch (Exception e) {
      throw new AssertionError("scrape failed", e);
    }
  }

  /** The value of the sample {@code name} whose labels include {@code labels}; 0 if absent. */
  static double value(String text, String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> have = new HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          have.put(l.group(1), l.group(2));
        }
      }
      if (have.entrySet().containsAll(wanted.entrySet())) {
        sum += Double.parseDouble(m.group(3));
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  private StatusRuntimeException deny(String key, String scope) {
    return assertThrows(StatusRuntimeException.class, () -> authorize(key, scope));
  }

  private void authorize(String key, String scope) {
    AuthorizeGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(CheckRequest.newBuilder().setKey(key).addRequiredScopes(scope).build());
  }

  @Test
  void scrape_countsDecisionsPerSurfaceAndReasonWithoutKeyMaterial() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    CreateKeyResponse created =
        withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acmeproject")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build());
    String secret = created.getSecret();
    authorize(secret, "tasks:read");
    authorize(secret, "tasks:read");
    deny(secret, "tasks:write");
    deny("kg_live_garbage", "tasks:read");
    // Envoy: no keygate_scope and no route table: the default requirement denies the route
    AuthorizationGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(
            io.envoyproxy.envoy.service.auth.v3.CheckRequest.newBuilder()
                .setAttributes(
                    AttributeContext.newBuilder()
                        .setRequest(
                            AttributeContext.Request.newBuilder()
                                .setHttp(
                                    AttributeContext.HttpRequest.newBuilder()
                                        .setMethod("GET")
                                        .setPath("/v1/tasks")
                                        .putHeaders("authorization", "Bearer " + secret))))
                .build());

    String text = scrape();
    assertEquals(
        2,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "authorize",
            "outcome",
            "allowed",
            "reason",
            "none"));
    assertEquals(
        1,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "authorize",
            "outcome",
            "denied",
            "reason",
            "SCOPE_MISSING"));
    assertEquals(
        1,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "authorize",
            "outcome",
            "denied",
            "reason",
            "KEY_MALFORMED"));
    assertEquals(
        1,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "envoy",
            "outcome",
            "denied",
            "reason",
            "ROUTE_DENIED"));
    assertEquals(
        1,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "admin",
            "outcome",
            "allowed",
            "reason",
            "none"));
    assertEquals(
        0,
        value(
            text,
            "keygate_decisions_total",
            "surface",
            "envoy",
            "outcome",
            "denied",
            "reason",
            "KEY_REVOKED"));
    assertEquals(4, value(text, "keygate_decision_duration_seconds_count", "surface", "authorize"));
    assertTrue(text.contains("keygate_decision_duration_seconds_bucket{"), "a histogram");
    assertEquals(
        1, value(text, "keygate_admin_actions_total", "action", "create", "outcome", "ok"));
    assertFalse(Double.isNaN(value(text, "keygate_cache_hit_ratio")));
    assertFalse(Double.isNaN(value(text, "keygate_usage_flush_failures_total")));
    assertFalse(
        Double.isNaN(value(text, "keygate_audit_events_dropped_total", "cause", "rate_limited")));
    Eventually.await(
        "samples and the create written to the trail",
        () -> value(scrape(), "keygate_audit_events_written_total") >= 3);
    String secretPart = secret.substring(created.getKey().getPrefix().length());
    String all = scrape();
    assertFalse(all.contains(secretPart), "no secret in metrics");
    assertFalse(all.contains(created.getKey().getId()), "no key id in metrics");
    assertFalse(all.contains("acmeproject"), "no project in metrics");
    assertFalse(all.contains(ADMIN_TOKEN), "no admin token in metrics");
  }

  @Test
  void scrape_cacheHitsThenRedisErrorsWhileRedisIsDown() throws Exception {
    Health.await(channel, "", ServingStatus.SERVING, WITHIN);
    String secret =
        withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build())
            .getSecret();
    // the cache is used once its invalidation subscription is confirmed; then repeats hit
    Eventually.await(
        "a cache hit",
        () -> {
          authorize(secret, "tasks:read");
          return value(scrape(), "keygate_cache_requests_total", "result", "hit") >= 1;
        });
    assertTrue(value(scrape(), "keygate_cache_hit_ratio") > 0);
    assertEquals(0, value(scrape(), "keygate_redis_errors_total", "component", "store"));

    redis.kill();
    Eventually.await(
        "a Redis error counted",
        () -> {
          try {
            authorize(secret, "tasks:write");
          } catch (StatusRuntimeException expected) {
            // denied (cached) or unavailable: either way the check ran
          }
          return value(scrape(), "keygate_redis_errors_total", "component", "store") >= 1;
        });
  }

  @Test
  void endpoint_onlyServesGetAndHeadOfMetrics() throws Exception {
    HttpResponse<String> ok = get("/metrics", "GET");
    assertTrue(
        ok.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
        ok.headers().toString());
    assertEquals(200, get("/metrics", "HEAD").statusCode());
    assertEquals(404, get("/", "GET").statusCode());
    assertEquals(404, get("/metrics/x", "GET").statusCode());
    assertEquals(405, get("/metrics", "POST").statusCode());
  }
}
