package dev.keygate.metrics;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.Health;
import dev.keygate.testing.RedisServer;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's Grafana dashboard and alerting rules (helm/keygate/files) may only query series a
 * running keygate exports: every metric name, every label they aggregate by, and every label value
 * they select is checked against a real scrape of {@code /metrics} (server as Main starts it, over
 * a real Redis), so renaming a meter or a reason breaks this test rather than a dashboard in
 * silence.
 */
class MonitoringSeriesTest {
  private static final String ADMIN_TOKEN = "monitoring-admin-token-0123456789";
  private static final Path FILES = Path.of("../helm/keygate/files");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern METRIC = Pattern.compile("\\bkeygate_[a-zA-Z0-9_]+\\b");
  private static final Pattern SELECTOR = Pattern.compile("(keygate_\\w+)\\{([^}]*)}");
  private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
  private static final Pattern ALTERNATION = Pattern.compile("\\w+(\\|\\w+)*");

  /** Labels Prometheus adds to every scraped series: not in the exposition, always there. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  /** Sample name → the label sets of its samples, from one scrape. */
  private static Map<String, List<Map<String, String>>> exported;

  @BeforeAll
  static void scrapeARunningKeygate() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      KeygateServer server =
          Main.start(
              KeygateConfig.fromEnv(
                  Map.of(
                      "KEYGATE_LISTEN", "127.0.0.1:0",
                      "KEYGATE_METRICS_LISTEN", "127.0.0.1:0",
                      "KEYGATE_REDIS_URL", redis.url(),
                      "KEYGATE_PEPPER", "monitoring-pepper-0123456789abcdef",
                      "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                      "KEYGATE_SHUTDOWN_GRACE", "1s")));
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        Health.await(channel, "", ServingStatus.SERVING, Duration.ofSeconds(15));
        // one admin write and one decision: the meters created on first use exist from here on
        String secret =
            withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
                .withDeadlineAfter(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)
                .createKey(
                    CreateKeyRequest.newBuilder()
                        .setProject("acme")
                        .setName("k")
                        .addScopes("tasks:read")
                        .build())
                .getSecret();
        AuthorizeGrpc.newBlockingStub(channel)
            .withDeadlineAfter(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)
            .check(
                CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build());
        exported = samples(scrape(server.metricsPort()));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop();
      }
    }
  }

  @AfterAll
  static void forget() {
    exported = null;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static Map<String, List<Map<String, String>>> samples(String text) {
    Map<String, List<Map<String, String>>> byName = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.matches()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      byName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
    }
    return byName;
  }

  @Test
  void dashboard_queriesOnlyExportedSeries() throws IOException {
    List<String> queries = new ArrayList<>();
    collectQueries(
        JsonParser.parseString(Files.readString(FILES.resolve("grafana-dashboard.json"))), queries);
    Set<String> used = checkAll(queries);
    assertTrue(
        used.containsAll(
            Set.of(
                "keygate_decisions_total",
                "keygate_decision_duration_seconds_bucket",
                "keygate_redis_breaker_state",
                "keygate_audit_events_dropped_total",
                "keygate_admin_calls_rejected_total")),
        "the dashboard's queries were read: " + used);
  }

  @Test
  void alertRules_queryOnlyExportedSeries() throws IOException {
    Map<String, Object> file =
        new Yaml().load(Files.readString(FILES.resolve("prometheus-rules.yaml")));
    List<String> queries = new ArrayList<>();
    for (Object group : (List<?>) file.get("groups")) {
      for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
        queries.add((String) ((Map<?, ?>) rule).get("expr"));
      }
    }
    Set<String> used = checkAll(queries);
    assertEquals(
        Set.of(
            "keygate_redis_errors_total",
            "keygate_decisions_total",
            "keygate_redis_breaker_state",
            "keygate_decision_duration_seconds_bucket",
            "keygate_audit_events_dropped_total"),
        used,
        "the rules' queries were read");
  }

  /** Every "expr" of a panel target and every variable's query, anywhere in the dashboard. */
  private static void collectQueries(JsonElement e, List<String> into) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> field : e.getAsJsonObject().entrySet()) {
        boolean query = field.getKey().equals("expr") || field.getKey().equals("definition");
        if (query && field.getValue().isJsonPrimitive()) {
          into.add(field.getValue().getAsString());
        } else {
          collectQueries(field.getValue(), into);
        }
      }
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(child -> collectQueries(child, into));
    }
  }

  /** Checks each query; returns the metric names they use. */
  private static Set<String> checkAll(List<String> queries) {
    assertTrue(!queries.isEmpty(), "no queries found");
    Set<String> used = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (String query : queries) {
      problems.addAll(problems(query, used));
    }
    assertEquals(List.of(), problems, "exported: " + new TreeSet<>(exported.keySet()));
    return used;
  }

  private static List<String> problems(String query, Set<String> used) {
    List<String> problems = new ArrayList<>();
    Matcher name = METRIC.matcher(query);
    while (name.find()) {
      used.add(name.group());
      if (!exported.containsKey(name.group())) {
        problems.add(name.group() + " is not exported (in " + query + ")");
      }
    }
    Matcher selector = SELECTOR.matcher(query);
    while (selector.find()) {
      List<Map<String, String>> series = exported.getOrDefault(selector.group(1), List.of());
      Matcher matcher = MATCHER.matcher(selector.group(2));
      while (matcher.find()) {
        String label = matcher.group(1);
        String value = matcher.group(3);
        if (TARGET_LABELS.contains(label)
            || value.contains("$")
            || matcher.group(2).startsWith("!")) {
          continue;
        }
        Set<String> values = new HashSet<>();
        series.forEach(labels -> values.add(labels.get(label)));
        // an alternation of plain values must name only values that exist, each one of them
        List<String> wanted =
            matcher.group(2).equals("=") || ALTERNATION.matcher(value).matches()
                ? List.of(value.split("\\|"))
                : List.of();
        for (String v : wanted) {
          if (!values.contains(v)) {
            problems.add(selector.group(1) + " has no " + label + "=\"" + v + "\": " + values);
          }
        }
        if (wanted.isEmpty() && values.stream().noneMatch(v -> v != null && v.matches(value))) {
          problems.add(selector.group(1) + ": no " + label + " matches " + value + ": " + values);
        }
      }
    }
    Matcher grouping = GROUPING.matcher(query);
    while (grouping.find()) {
      for (String label : grouping.group(1).split(",")) {
        String l = label.trim();
        boolean known =
            TARGET_LABELS.contains(l)
                || exported.entrySet().stream()
                    .anyMatch(
                        e ->
                            e.getKey().startsWith("keygate_")
                                && e.getValue().stream().anyMatch(s -> s.containsKey(l)));
        if (!l.isEmpty() && !known) {
          problems.add("no keygate series has a label " + l + " (in " + query + ")");
        }
      }
    }
    return problems;
  }
}
