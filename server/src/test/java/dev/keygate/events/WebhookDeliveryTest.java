package dev.keygate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Webhooks from two sidecars on one real redis-server to a real local HTTP server: each event
 * arrives signed, from one sidecar, survives the receiver being down and the delivering sidecar
 * going away, and is retried under the same id so the receiver can de-duplicate.
 */
@ExtendWith(RedisServerExtension.class)
class WebhookDeliveryTest {
  private final byte[] key = new byte[32];
  private final Receiver receiver = new Receiver();
  private final String namespace;
  private final InProcessKeygate a;
  private final InProcessKeygate b;

  WebhookDeliveryTest(TestRedis redis) {
    new SecureRandom().nextBytes(key);
    receiver.up();
    Map<String, String> env = new HashMap<>();
    env.put("KEYGATE_WEBHOOK_URL", "http://127.0.0.1:" + receiver.port + "/hooks/keygate");
    env.put("KEYGATE_WEBHOOK_SECRET", "whsec_" + Base64.getEncoder().encodeToString(key));
    env.put("KEYGATE_WEBHOOK_BACKOFF", "20ms");
    env.put("KEYGATE_WEBHOOK_BACKOFF_MAX", "100ms");
    env.put("KEYGATE_WEBHOOK_TIMEOUT", "2s");
    env.put("KEYGATE_WEBHOOK_LEASE", "3s");
    env.put("KEYGATE_WEBHOOK_RETRY_WINDOW", "1h");
    namespace = redis.newNamespace();
    a = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), env);
    b = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), env);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    receiver.down();
  }

  /** One delivery as the receiver saw it. */
  record Delivery(String id, String timestamp, String signature, byte[] body, boolean valid) {
    JsonObject json() {
      return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  /** A webhook receiver on a fixed port that can go down and come back. */
  final class Receiver {
    final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    final Set<String> processed = Collections.synchronizedSet(new LinkedHashSet<>());
    volatile boolean failFirstAttempt;
    int port;
    private HttpServer server;

    void up() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      port = server.getAddress().getPort();
      server.createContext(
          "/hooks/keygate",
          exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = WebhookSignature.verify(key, id, Long.parseLong(ts), body, sig);
            deliveries.add(new Delivery(id, ts, sig, body, valid));
            // de-duplication by event id, as a receiver should do it
            boolean first = processed.add(id);
            int status = failFirstAttempt && first ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
          });
      server.start();
    }

    void down() {
      server.stop(0);
    }

    Set<String> ids() {
      synchronized (deliveries) {
        return new LinkedHashSet<>(deliveries.stream().map(Delivery::id).toList());
      }
    }
  }

  private WebhookDispatcher dispatcher(InProcessKeygate k) {
    return k.app.events().webhook().orElseThrow();
  }

  private String cursor() {
    return new RedisDeliveryLease(((RedisAuditLog) a.app.auditLog()).commands(), namespace)
        .cursor();
  }

  private void awaitCaughtUp() {
    String newest = a.app.auditLog().newestId(AuditLog.ALL);
    Eventually.await("the cursor reaches " + newest, () -> cursor().equals(newest));
  }

  @Test
  void webhook_eachEventSignedAndDeliveredOnceByOneSidecar() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add((i % 2 == 0 ? a : b).createKey("orders:read").getKey().getId());
    }
    Eventually.await("4 events", () -> receiver.ids().size() == 4);
    awaitCaughtUp();
    assertEquals(4, receiver.deliveries.size(), "no event twice");
    long byA = dispatcher(a).delivered();
    long byB = dispatcher(b).delivered();
    assertEquals(4, byA + byB);
    assertTrue(byA == 0 || byB == 0, "one sidecar delivers: a=" + byA + " b=" + byB);
    List<String> keyIds = new ArrayList<>();
    for (Delivery d : receiver.deliveries) {
      assertTrue(d.valid(), "signature of " + d.id());
      JsonObject json = d.json();
      assertEquals("create", json.get("type").getAsString());
      assertEquals(d.id(), json.getAsJsonObject("data").get("id").getAsString());
      keyIds.add(json.getAsJsonObject("data").get("key_id").getAsString());
      // a receiver with another secret, or a body changed on the way, finds out
      byte[] otherKey = key.clone();
      otherKey[0] ^= 1;
      long ts = Long.parseLong(d.timestamp());
      assertFalse(WebhookSignature.verify(otherKey, d.id(), ts, d.body(), d.signature()));
      byte[] tampered = d.body().clone();
      tampered[tampered.length - 2] ^= 1;
      assertFalse(WebhookSignature.verify(key, d.id(), ts, tampered, d.signature()));
      assertFalse(WebhookSignature.verify(key, d.id(), ts + 1, d.body(), d.signature()));
    }
    assertEquals(keys, keyIds, "in order");
  }

  @Test
  void webhook_receiverDownAndDeliveringSidecarGone_losesNothing() {
    a.createKey("orders:read");
    Eventually.await("first event", () -> receiver.ids().size() == 1);
    receiver.down();
    for (int i = 0; i < 3; i++) {
      b.createKey("orders:read");
    }
    Eventually.await(
        "failed attempts",
        () -> dispatcher(a).attemptsFailed() + dispatcher(b).attemptsFailed() >= 3);
    InProcessKeygate holder =
        dispatcher(a).attemptsFailed() > dispatcher(b).attemptsFailed() ? a : b;
    InProcessKeygate other = holder == a ? b : a;
    holder.close(); // hands its lease over; the event in flight goes again
    receiver.up();
    Eventually.await("all 4 events", () -> receiver.ids().size() == 4);
    assertTrue(dispatcher(other).delivered() >= 3);
    assertTrue(receiver.deliveries.stream().allMatch(Delivery::valid));
  }

  @Test
  void webhook_failedAttemptRetriedWithTheSameIdAndBody() {
    receiver.failFirstAttempt = true;
    for (int i = 0; i < 3; i++) {
      a.createKey("orders:read");
    }
    Eventually.await("3 events, each twice", () -> receiver.deliveries.size() == 6);
    awaitCaughtUp();
    assertEquals(3, receiver.processed.size(), "de-duplicated by webhook-id");
    Map<String, List<Delivery>> byId = new HashMap<>();
    for (Delivery d : receiver.deliveries) {
      byId.computeIfAbsent(d.id(), id -> new ArrayList<>()).add(d);
    }
    for (List<Delivery> attempts : byId.values()) {
      assertEquals(2, attempts.size());
      assertTrue(attempts.stream().allMatch(Delivery::valid));
      assertEquals(
          new String(attempts.get(0).body(), StandardCharsets.UTF_8),
          new String(attempts.get(1).body(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void webhook_eventOlderThanTheRetryWindow_isGivenUpAndDeliveryGoesOn() {
    receiver.down();
    a.createKey("orders:read");
    Eventually.await(
        "failed attempts",
        () -> dispatcher(a).attemptsFailed() + dispatcher(b).attemptsFailed() >= 2);
    a.clock.advance(Duration.ofHours(1).plusSeconds(1));
    b.clock.advance(Duration.ofHours(1).plusSeconds(1));
    Eventually.await("given up", () -> dispatcher(a).givenUp() + dispatcher(b).givenUp() == 1);
    receiver.up();
    String later = a.createKey("orders:read").getKey().getId();
    Eventually.await("the next event", () -> receiver.ids().size() == 1);
    assertEquals(
        later,
        receiver.deliveries.get(0).json().getAsJsonObject("data").get("key_id").getAsString());
  }
}
