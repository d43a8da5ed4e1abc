package dev.keygate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.fuzz.Fuzz;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.InProcessKeygate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the request-to-call mapping over seeded generated auth requests (see {@link
 * Fuzz}): it never throws and always answers a known status; only the one valid key, presented in a
 * key header, is ever allowed, and then with its identity; each endpoint reads only its own
 * convention, so headers of another convention never change an answer; and Envoy's prefix form, the
 * nginx form and the Caddy/Traefik form of one request get one answer.
 */
class ForwardAuthMappingFuzzTest {
  private static final String[] METHODS = {"GET", "HEAD", "POST", "DELETE", "get", "BREW", ""};
  private static final String[] SEGMENTS = {"v1", "tasks", "42", "..", ".", "", "%2e", "healthz"};
  private static final Set<Integer> STATUSES = Set.of(200, 400, 401, 403, 404, 500);

  private final InProcessKeygate kg =
      new InProcessKeygate(
          Map.of(
              "KEYGATE_ROUTES",
              Path.of("../docs/http/routes.txt").toString(),
              "KEYGATE_AUTH_FAILURE_LIMIT",
              "0"),
          new InMemoryKeyStore());
  private final CreateKeyResponse key = kg.createKey("tasks:read", "tasks:delete");
  private final HttpAuthorization authorization =
      kg.app.httpAuthorization(
          HttpSettings.fromEnv(Map.of("KEYGATE_HTTP_SCOPE_HEADER", "x-keygate-scope")));

  @AfterEach
  void close() {
    kg.close();
  }

  private HttpAnswer answer(String method, String uri, Map<String, List<String>> headers) {
    return authorization
        .answer(method, uri, name -> headers.getOrDefault(name, List.of()), null)
        .toCompletableFuture()
        .join();
  }

  private static String path(Random r) {
    StringBuilder p = new StringBuilder();
    for (int i = r.nextInt(4); i >= 0; i--) {
      p.append('/').append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
    }
    if (r.nextInt(5) == 0) {
      p.append("?q=").append(Fuzz.string(r, "ab/&=", 6));
    }
    return r.nextInt(20) == 0 ? Fuzz.string(r, "/ab.%", 12) : p.toString();
  }

  private String credential(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> key.getSecret();
      case 1 -> key.getSecret().substring(0, key.getSecret().length() - 1) + "x";
      case 2 -> Fuzz.string(r, "kg_live_abcXYZ019", 40);
      case 3 -> "";
      default -> null;
    };
  }

  private Map<String, List<String>> keyHeaders(Random r) {
    Map<String, List<String>> h = new HashMap<>();
    String c = credential(r);
    if (c != null) {
      if (r.nextBoolean()) {
        h.put("authorization", List.of((r.nextInt(4) == 0 ? "Basic " : "Bearer ") + c));
      } else {
        h.put("x-api-key", List.of(c));
      }
    }
    if (r.nextInt(4) == 0) {
      h.put("x-keygate-scope", List.of(Fuzz.string(r, "tasks:read ,*-", 14)));
    }
    return h;
  }

  @Test
  void answer_generatedRequests_knownStatus_onlyTheValidKeyAllowed() {
    Random r = Fuzz.random("http_answer");
    for (int n = 0; n < Fuzz.cases(3_000); n++) {
      Map<String, List<String>> headers = keyHeaders(r);
      String endpoint =
          switch (r.nextInt(4)) {
            case 0 -> "/nginx";
            case 1 -> "/forward";
            case 2 -> "/envoy" + path(r);
            default -> path(r);
          };
      headers.put("x-original-uri", List.of(path(r)));
      headers.put("x-original-method", List.of(METHODS[r.nextInt(METHODS.length)]));
      headers.put("x-forwarded-uri", List.of(path(r)));
      headers.put("x-forwarded-method", List.of(METHODS[r.nextInt(METHODS.length)]));
      String method = METHODS[r.nextInt(METHODS.length)];
      String input = method + " " + endpoint + " " + headers;
      HttpAnswer a;
      try {
        a = answer(method, endpoint, headers);
      } catch (RuntimeException e) {
        throw new AssertionError(Fuzz.replay("http_answer", n, input), e);
      }
      int index = n;
      assertTrue(STATUSES.contains(a.status()), () -> Fuzz.replay("http_answer", index, input) + a);
      if (a.status() == 200) {
        String presented =
            headers.containsKey("x-api-key")
                ? headers.get("x-api-key").get(0)
                : headers.getOrDefault("authorization", List.of("")).get(0);
        assertTrue(
            presented.equals(key.getSecret()) || presented.equals("Bearer " + key.getSecret()),
            () -> Fuzz.replay("http_answer", index, input));
        assertEquals(key.getKey().getId(), a.header("x-keygate-key-id"));
      } else if (a.status() != 404) {
        assertTrue(a.body().contains("\"reason\""), a.body());
      }
    }
  }

  @Test
  void conventions_readOnlyTheirOwnHeaders_andAgree() {
    Random r = Fuzz.random("http_conventions");
    for (int n = 0; n < Fuzz.cases(2_000); n++) {
      Map<String, List<String>> keys = keyHeaders(r);
      String method = METHODS[r.nextInt(METHODS.length - 1)].toUpperCase(Locale.ROOT);
      String path = path(r);
      Map<String, List<String>> nginx = new HashMap<>(keys);
      nginx.put("x-original-uri", List.of(path));
      nginx.put("x-original-method", List.of(method));
      Map<String, List<String>> forward = new HashMap<>(keys);
      forward.put("x-forwarded-uri", List.of(path));
      forward.put("x-forwarded-method", List.of(method));
      // another convention's headers, as a client could add them
      Map<String, List<String>> forwardPlus = new HashMap<>(forward);
      forwardPlus.put("x-original-uri", List.of("/v1/tasks"));
      forwardPlus.put("x-original-method", List.of("GET"));
      Map<String, List<String>> nginxPlus = new HashMap<>(nginx);
      nginxPlus.put("x-forwarded-uri", List.of("/v1/tasks"));
      nginxPlus.put("x-forwarded-method", List.of("GET"));
      String input = method + " " + path + " " + keys;
      int index = n;
      List<Integer> statuses = new ArrayList<>();
      statuses.add(answer("GET", "/nginx", nginx).status());
      statuses.add(answer("GET", "/nginx", nginxPlus).status());
      statuses.add(answer("GET", "/forward", forward).status());
      statuses.add(answer("GET", "/forward", forwardPlus).status());
      if (path.startsWith("/")) {
        statuses.add(answer(method, "/envoy" + path, keys).status());
      }
      for (int s : statuses) {
        assertEquals(
            statuses.get(0),
            s,
            () -> Fuzz.replay("http_conventions", index, input) + " statuses " + statuses);
      }
    }
  }
}
