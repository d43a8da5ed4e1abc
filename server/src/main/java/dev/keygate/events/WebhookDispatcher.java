package dev.keygate.events;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.concurrent.Bounded;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every broadcast event ({@link AuditLog#ALL}) to the configured webhook, from one sidecar
 * at a time: each sidecar runs one of these, and only the holder of the {@link DeliveryLease}
 * delivers. Events go out in order, one at a time; a failed attempt (no answer within the timeout,
 * or not 2xx) is retried with exponential backoff and jitter until the event is {@code retryWindow}
 * old, then given up (logged and counted), so a dead endpoint delays later events by at most that
 * window and never touches Authorize (own thread, own HTTP client). The cursor moves only after an
 * event is answered or given up, so a sidecar that dies mid-delivery leaves the event to its
 * successor: at least once, with the event id in {@code webhook-id} for de-duplication.
 *
 * <p>Bounds: one thread and one HTTP client (two threads) per sidecar; at most {@value #BATCH}
 * events read ahead. Events not yet delivered wait in the trail, which keeps the newest {@code
 * KEYGATE_AUDIT_MAX_EVENTS}: a backlog longer than that loses the oldest (counted as trimmed).
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  static final int BATCH = 100;

  /** How often an idle or standby sidecar looks for new events or a free lease. */
  static final Duration IDLE = Duration.ofMillis(200);

  private final AuditLog auditLog;
  private final DeliveryLease lease;
  private final WebhookSettings.Endpoint endpoint;
  private final WebhookSettings settings;
  private final Clock clock;
  private final Function<AuditEvent, byte[]> toJson;
  private final String owner = UUID.randomUUID().toString();
  private final ThreadPoolExecutor httpThreads = Bounded.threads("keygate-webhook-http-", 2);
  private final HttpClient http;
  private final Thread worker;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder attemptsFailed = new LongAdder();
  private final LongAdder givenUp = new LongAdder();
  private volatile boolean closed;
  private volatile boolean holding;

  /**
   * @param toJson the event as the {@code data} object of the body (the API's JSON mapping)
   */
  public WebhookDispatcher(
      AuditLog auditLog,
      DeliveryLease lease,
      WebhookSettings.Endpoint endpoint,
      WebhookSettings settings,
      Clock clock,
      Function<AuditEvent, byte[]> toJson) {
    this.auditLog = auditLog;
    this.lease = lease;
    this.endpoint = endpoint;
    this.settings = settings;
    this.clock = clock;
    this.toJson = toJson;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(httpThreads)
            .build();
    try {
      // events appended from now on are delivered (not the trail's whole history)
      lease.initCursor(auditLog.newestId(AuditLog.ALL));
    } catch (RuntimeException e) {
      log.warn("webhook cursor not set yet (retried): {}", e.getMessage());
    }
    this.worker = new Thread(this::run, "keygate-webhook");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * The body of a delivery: {@code {"type", "timestamp", "data"}} as Standard Webhooks suggests.
   */
  public static byte[] body(AuditEvent e, Function<AuditEvent, byte[]> toJson) {
    JsonObject o = new JsonObject();
    o.addProperty("type", e.action());
    o.addProperty("timestamp", e.time().toString());
    o.add("data", JsonParser.parseString(new String(toJson.apply(e), StandardCharsets.UTF_8)));
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON of a protobuf message, for {@code toJson}. */
  public static byte[] json(com.google.protobuf.MessageOrBuilder message) {
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .preservingProtoFieldNames()
          .print(message)
          .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True while this sidecar holds the delivery lease. */
  public boolean holding() {
    return holding;
  }

  public long delivered() {
    return delivered.sum();
  }

  public long attemptsFailed() {
    return attemptsFailed.sum();
  }

  public long givenUp() {
    return givenUp.sum();
  }

  /** Stops delivering and hands the lease over (the event in flight is delivered again). */
  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    try {
      worker.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      lease.release(owner);
    } catch (RuntimeException e) {
      // it runs out on its own
    }
    httpThreads.shutdownNow();
  }

  private void run() {
    while (!closed) {
      try {
        holding = lease.hold(owner, settings.lease());
        if (!holding || !deliverBatch()) {
          sleep(IDLE);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        holding = false;
        log.debug("webhook delivery paused: {}", e.getMessage());
        try {
          sleep(IDLE);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Delivers what follows the cursor; false if there was nothing to deliver. */
  private boolean deliverBatch() throws InterruptedException {
    String cursor = lease.cursor();
    if (cursor.isEmpty()) {
      lease.initCursor(auditLog.newestId(AuditLog.ALL));
      return false;
    }
    List<AuditEvent> batch = auditLog.after(AuditLog.ALL, cursor, BATCH);
    for (AuditEvent e : batch) {
      if (!deliver(e) || !lease.advance(owner, e.id())) {
        holding = false;
        return true;
      }
    }
    return !batch.isEmpty();
  }

  /** Delivers one event, retrying; false if the lease was lost meanwhile. */
  private boolean deliver(AuditEvent e) throws InterruptedException {
    byte[] body = body(e, toJson);
    Instant giveUpAt = e.time().plus(settings.retryWindow());
    for (int attempt = 1; !closed; attempt++) {
      if (post(e.id(), body)) {
        delivered.increment();
        return true;
      }
      attemptsFailed.increment();
      Duration delay = backoff(attempt);
      if (clock.instant().plus(delay).isAfter(giveUpAt)) {
        givenUp.increment();
        log.warn(
            "webhook gave up event {} ({} of key '{}') after {} attempts",
            e.id(),
            e.action(),
            e.keyId(),
            attempt);
        return true;
      }
      if (!sleepHolding(delay)) {
        return false;
      }
    }
    throw new InterruptedException("closing");
  }

  private boolean post(String id, byte[] body) throws InterruptedException {
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.url())
            .timeout(settings.timeout())
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", WebhookSignature.sign(endpoint.key(), id, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 300;
    } catch (IOException e) {
      return false;
    }
  }

  /** Exponential, capped, with equal jitter: a random delay between half and all of the step. */
  Duration backoff(int attempt) {
    long base = settings.backoff().toMillis();
    long max = settings.backoffMax().toMillis();
    long step = attempt >= 31 ? max : Math.min(max, base << Math.min(attempt - 1, 30));
    long half = step / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(step - half + 1));
  }

  /** Sleeps, renewing the lease at least three times per lease term; false if it was lost. */
  private boolean sleepHolding(Duration delay) throws InterruptedException {
    long left = delay.toMillis();
    long chunk = Math.max(1, settings.lease().toMillis() / 3);
    while (left > 0) {
      long now = Math.min(left, chunk);
      Thread.sleep(now);
      left -= now;
      if (!lease.hold(owner, settings.lease())) {
        return false;
      }
    }
    return true;
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
