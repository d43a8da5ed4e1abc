package dev.keygate.leak;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.EnableKeyRequest;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyState;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.EventQuery;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leaked-key endpoint over real HTTP, signed with a P-256 key pair generated here, on two
 * sidecars sharing one redis-server: a valid report revokes the key on both (the other one had it
 * cached); unsigned, badly signed, oversized, malformed or replayed reports are refused, audited,
 * and change nothing.
 */
@ExtendWith(RedisServerExtension.class)
class LeakedKeyEndpointTest {
  private static final String KEY_ID = "test-key-identifier-1";

  private final TestRedis redis;
  private final KeyPair github;
  private final Path keysFile;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private InProcessKeygate a;
  private InProcessKeygate b;
  private LeakEndpoint endpoint;

  LeakedKeyEndpointTest(TestRedis redis, @TempDir Path dir) throws Exception {
    this.redis = redis;
    this.github = newP256();
    this.keysFile = dir.resolve("secret_scanning.json");
    Files.writeString(keysFile, publicKeysJson(KEY_ID, github));
  }

  /** Sidecars a (serving the endpoint) and b, on one namespace, with {@code env} on both. */
  private void start(Map<String, String> env) {
    String namespace = redis.newNamespace();
    Map<String, String> all = new HashMap<>(env);
    all.put("KEYGATE_LEAK_LISTEN", "127.0.0.1:0");
    all.put("KEYGATE_LEAK_PUBLIC_KEYS_FILE", keysFile.toString());
    a = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), all);
    b = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), all);
    opened.add(a);
    opened.add(b);
    for (InProcessKeygate k : List.of(a, b)) {
      Eventually.await("subscription", ((CachingKeyStore) k.app.store())::isLive);
    }
    endpoint = LeakEndpoint.start(a.app.leakSettings(), a.app.leakReports());
    opened.add(0, endpoint);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  @Test
  void report_liveKey_revokedOnBothSidecars() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();
    String foreign = "ghp_notoursatall0123456789";
    String otherWellFormed =
        new KeyFormat("kg", new SecureRandom()).newSecret(KeyKind.LIVE, "AAAAAAAAAAAA");

    long start = System.nanoTime();
    HttpResponse<String> answer =
        post(report(key.getSecret(), foreign, otherWellFormed), KEY_ID, github);
    assertEquals(200, answer.statusCode(), answer.body());
    // on the sidecar that took the report: at once; on the other: by invalidation
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(a, key.getSecret()));
    Eventually.await("b refuses the leaked key", () -> refused(b, key.getSecret()));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println(
        "leaked key refused on both sidecars " + millis + " ms after the report was sent");
    assertDenied(Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(b, key.getSecret()));

    JsonArray verdicts = JsonParser.parseString(answer.body()).getAsJsonArray();
    assertEquals(3, verdicts.size());
    assertVerdict(verdicts.get(0).getAsJsonObject(), key.getSecret(), "true_positive");
    assertVerdict(verdicts.get(1).getAsJsonObject(), foreign, "false_positive");
    assertVerdict(verdicts.get(2).getAsJsonObject(), otherWellFormed, "false_positive");
    assertTrue(!answer.body().contains(key.getSecret()), "the answer never echoes a token");

    List<String> actions = actions("acme");
    assertTrue(actions.contains(LeakEvents.LEAKED), actions.toString());
    assertTrue(actions.contains(LeakEvents.AUTO_REVOKED), actions.toString());
  }

  @Test
  void report_sameIdOtherSecret_falsePositiveKeyStillWorks() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();
    String sameIdOtherSecret =
        new KeyFormat("kg", new SecureRandom()).newSecret(KeyKind.LIVE, key.getKey().getId());

    HttpResponse<String> answer = post(report(sameIdOtherSecret), KEY_ID, github);

    assertEquals(200, answer.statusCode(), answer.body());
    assertVerdict(
        JsonParser.parseString(answer.body()).getAsJsonArray().get(0).getAsJsonObject(),
        sameIdOtherSecret,
        "false_positive");
    assertUnchanged(key);
  }

  @Test
  void report_badSignature_refusedNothingChanged() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();

    HttpResponse<String> answer = post(report(key.getSecret()), KEY_ID, newP256());

    assertEquals(401, answer.statusCode());
    assertTrue(answer.body().contains("LEAK_REPORT_SIGNATURE_INVALID"), answer.body());
    assertUnchanged(key);
    awaitRefusalAudited("LEAK_REPORT_SIGNATURE_INVALID");
  }

  @Test
  void report_unknownKeyIdentifier_refused() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();

    HttpResponse<String> answer = post(report(key.getSecret()), "some-other-identifier", github);

    assertEquals(401, answer.statusCode());
    assertUnchanged(key);
  }

  @Test
  void report_unsigned_refusedNothingChanged() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();

    HttpResponse<String> answer =
        http.send(
            request().POST(HttpRequest.BodyPublishers.ofString(report(key.getSecret()))).build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(401, answer.statusCode());
    assertTrue(answer.body().contains("LEAK_REPORT_UNSIGNED"), answer.body());
    assertUnchanged(key);
    awaitRefusalAudited("LEAK_REPORT_UNSIGNED");
  }

  @Test
  void report_malformed_refusedNothingChanged() throws Exception {
    start(Map.of());
    CreateKeyResponse key = cachedOnBoth();

    for (String body :
        List.of(
            "{\"token\":\"" + key.getSecret() + "\"}",
            "[{\"token\":\"" + key.getSecret() + "\"",
            "[{\"token\":" + 7 + ",\"type\":\"keygate\"}]",
            "[]")) {
      HttpResponse<String> answer = post(body, KEY_ID, github);
      assertEquals(400, answer.statusCode(), body);
      assertTrue(answer.body().contains("LEAK_REPORT_MALFORMED"), answer.body());
      assertTrue(!answer.body().contains(key.getSecret()), "errors never quote a token");
    }
    assertUnchanged(key);
    awaitRefusalAudited("LEAK_REPORT_MALFORMED");
  }

  @Test
  void report_oversized_refusedNothingChanged() throws Exception {
    start(Map.of("KEYGATE_LEAK_MAX_BODY_BYTES", "1024"));
    CreateKeyResponse key = cachedOnBoth();
    String padded =
        "[{\"token\":\""
            + key.getSecret()
            + "\",\"type\":\"keygate\",\"url\":\"https://example.com/"
            + "x".repeat(2000)
            + "\"}]";

    HttpResponse<String> answer = post(padded, KEY_ID, github);

    assertEquals(413, answer.statusCode());
    assertUnchanged(key);
    awaitRefusalAudited("LEAK_REPORT_TOO_LARGE");
  }

  @Test
  void report_replayed_refusedNothingChanged() throws Exception {
    // disabled, not revoked, so the operator can switch the key on again and a replay would show
    start(Map.of("KEYGATE_LEAK_ACTION", "disable"));
    CreateKeyResponse key = cachedOnBoth();
    String body = report(key.getSecret());
    assertEquals(200, post(body, KEY_ID, github).statusCode());
    Eventually.await("b refuses the leaked key", () -> refused(b, key.getSecret()));
    assertDenied(Code.PERMISSION_DENIED, "KEY_DISABLED", () -> check(b, key.getSecret()));
    assertTrue(actions("acme").contains(LeakEvents.AUTO_REVOKED));
    a.admin().enableKey(EnableKeyRequest.newBuilder().setId(key.getKey().getId()).build());
    Eventually.await("b accepts the key again", () -> !refused(b, key.getSecret()));

    HttpResponse<String> replay = post(body, KEY_ID, github);

    assertEquals(409, replay.statusCode());
    assertTrue(replay.body().contains("LEAK_REPORT_REPLAYED"), replay.body());
    // the first report's disable only
    assertUnchanged(key, 1);
  }

  @Test
  void report_replayedToTheOtherSidecar_refusedNothingChanged() throws Exception {
    start(Map.of("KEYGATE_LEAK_ACTION", "disable"));
    CreateKeyResponse key = cachedOnBoth();
    String body = report(key.getSecret());
    assertEquals(200, post(body, KEY_ID, github).statusCode());
    Eventually.await("b refuses the leaked key", () -> refused(b, key.getSecret()));
    a.admin().enableKey(EnableKeyRequest.newBuilder().setId(key.getKey().getId()).build());
    Eventually.await("b accepts the key again", () -> !refused(b, key.getSecret()));
    LeakEndpoint onB = LeakEndpoint.start(b.app.leakSettings(), b.app.leakReports());
    opened.add(0, onB);

    HttpResponse<String> replay = post(onB.port(), body, KEY_ID, github);

    assertEquals(409, replay.statusCode(), replay.body());
    assertUnchanged(key, 1);
  }

  @Test
  void endpoint_otherPathOrMethod_refused() throws Exception {
    start(Map.of());
    HttpResponse<String> get =
        http.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    HttpResponse<String> elsewhere =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/x"))
                .POST(HttpRequest.BodyPublishers.ofString("[]"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, elsewhere.statusCode());
  }

  // ---------------------------------------------------------------- helpers

  /** A key of project acme, cached on b (its second check a cache hit). */
  private CreateKeyResponse cachedOnBoth() {
    CachingKeyStore cacheB = (CachingKeyStore) b.app.store();
    long before = cacheB.invalidationsReceived();
    CreateKeyResponse key = a.createKey("tasks:read");
    Eventually.await("b hears of the create", () -> cacheB.invalidationsReceived() > before);
    check(a, key.getSecret());
    check(b, key.getSecret());
    long hits = cacheB.stats().hitCount();
    check(b, key.getSecret());
    assertEquals(hits + 1, cacheB.stats().hitCount());
    return key;
  }

  private void assertUnchanged(CreateKeyResponse key) {
    assertUnchanged(key, 0);
  }

  /** The key works on both sidecars, and the trail holds only the expected auto-revocations. */
  private void assertUnchanged(CreateKeyResponse key, long autoRevocations) {
    assertEquals(key.getKey().getId(), check(a, key.getSecret()));
    assertEquals(key.getKey().getId(), check(b, key.getSecret()));
    assertEquals(
        KeyState.KEY_STATE_ACTIVE,
        a.admin()
            .getKey(GetKeyRequest.newBuilder().setId(key.getKey().getId()).build())
            .getState());
    List<String> actions = actions("acme");
    assertEquals(
        autoRevocations,
        actions.stream().filter(LeakEvents.AUTO_REVOKED::equals).count(),
        actions.toString());
  }

  private void awaitRefusalAudited(String reason) {
    Eventually.await(
        "refusal " + reason + " in the global trail",
        () ->
            a.app.auditLog().list("", new EventQuery("", 100, "", "")).events().stream()
                .anyMatch(
                    e ->
                        e.action().equals(LeakEvents.REPORT_REFUSED)
                            && e.outcome().equals(reason)));
  }

  private List<String> actions(String project) {
    return a.app.auditLog().list(project, new EventQuery("", 100, "", "")).events().stream()
        .map(AuditEvent::action)
        .toList();
  }

  private static String check(InProcessKeygate on, String secret) {
    return on.authorize()
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build())
        .getKeyId();
  }

  private static boolean refused(InProcessKeygate on, String secret) {
    try {
      check(on, secret);
      return false;
    } catch (StatusRuntimeException e) {
      return true;
    }
  }

  private static void assertVerdict(JsonObject verdict, String token, String label) {
    assertEquals(LeakedKeys.sha256Hex(token), verdict.get("token_hash").getAsString());
    assertEquals("keygate_api_key", verdict.get("token_type").getAsString());
    assertEquals(label, verdict.get("label").getAsString());
  }

  private static String report(String... tokens) {
    JsonArray array = new JsonArray();
    for (String token : tokens) {
      JsonObject o = new JsonObject();
      o.addProperty("token", token);
      o.addProperty("type", "keygate_api_key");
      o.addProperty("url", "https://github.com/octocat/hello/blob/abc/config.env");
      o.addProperty("source", "content");
      array.add(o);
    }
    return array.toString();
  }

  private HttpRequest.Builder request() {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + endpoint.port() + LeakEndpoint.PATH))
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> post(String body, String keyIdentifier, KeyPair signer)
      throws Exception {
    return post(endpoint.port(), body, keyIdentifier, signer);
  }

  private HttpResponse<String> post(int port, String body, String keyIdentifier, KeyPair signer)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + LeakEndpoint.PATH))
            .header("Content-Type", "application/json")
            .header(LeakEndpoint.KEY_ID_HEADER, keyIdentifier)
            .header(LeakEndpoint.SIGNATURE_HEADER, sign(signer, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static KeyPair newP256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String sign(KeyPair signer, byte[] body) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer.getPrivate());
    s.update(body);
    return Base64.getEncoder().encodeToString(s.sign());
  }

  static String publicKeysJson(String identifier, KeyPair pair) {
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    JsonObject key = new JsonObject();
    key.addProperty("key_identifier", identifier);
    key.addProperty("key", pem);
    key.addProperty("is_current", true);
    JsonArray keys = new JsonArray();
    keys.add(key);
    JsonObject root = new JsonObject();
    root.add("public_keys", keys);
    return root.toString();
  }
}
