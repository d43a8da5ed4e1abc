package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keygate.api.v1.AuditEvent;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.WatchEventsRequest;
import dev.keygate.audit.AuditLog;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * KeyAdmin.WatchEvents end to end over the real services (the in-memory store, and Redis in the
 * second Surefire execution): live delivery, resuming without gap or duplicate, ListEvents'
 * privileges, the bound on open streams, and backpressure.
 */
class WatchEventsTest {
  private InProcessKeygate kg = new InProcessKeygate(Map.of("KEYGATE_WATCH_POLL", "10ms"));

  @AfterEach
  void close() {
    kg.close();
  }

  /** A client of one stream, collecting what arrives. */
  static final class Watcher implements ClientResponseObserver<WatchEventsRequest, AuditEvent> {
    final BlockingQueue<AuditEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private final int initialRequests;
    volatile ClientCallStreamObserver<WatchEventsRequest> call;

    /**
     * @param initialRequests events the client takes before asking for more; 0 = no flow control
     */
    Watcher(int initialRequests) {
      this.initialRequests = initialRequests;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchEventsRequest> requestStream) {
      call = requestStream;
      if (initialRequests > 0) {
        requestStream.disableAutoRequestWithInitial(initialRequests);
      }
    }

    @Override
    public void onNext(AuditEvent value) {
      events.add(value);
    }

    @Override
    public void onError(Throwable t) {
      errors.add(t);
    }

    @Override
    public void onCompleted() {
      errors.add(new AssertionError("the stream ended"));
    }

    List<AuditEvent> take(int n) {
      List<AuditEvent> out = new ArrayList<>();
      while (out.size() < n) {
        try {
          AuditEvent e = events.poll(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
          if (e == null) {
            fail("gave up waiting for event " + (out.size() + 1) + " of " + n + ": " + errors);
          }
          out.add(e);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return out;
    }

    StatusRuntimeException error() {
      try {
        Throwable t = errors.poll(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (t instanceof StatusRuntimeException e) {
          return e;
        }
        throw new AssertionError("expected a status, got " + t);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    void cancel() {
      call.cancel("done", null);
    }
  }

  private Watcher watch(String credential, String project, String afterId, int initialRequests) {
    Watcher w = new Watcher(initialRequests);
    InProcessKeygate.withBearer(KeyAdminGrpc.newStub(kg.channel()), credential)
        .watchEvents(
            WatchEventsRequest.newBuilder().setProject(project).setAfterId(afterId).build(), w);
    return w;
  }

  private Watcher watch(String project, String afterId) {
    return watch(InProcessKeygate.ADMIN_TOKEN, project, afterId, 0);
  }

  private String create(String project, String... scopes) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject(project)
                .setName("k")
                .addAllScopes(List.of(scopes))
                .build())
        .getKey()
        .getId();
  }

  /** A project's whole trail, oldest first, through ListEvents. */
  private List<String> trailIds(String project) {
    List<String> ids =
        new ArrayList<>(
            kg
                .admin()
                .listEvents(
                    ListEventsRequest.newBuilder().setProject(project).setPageSize(1000).build())
                .getEventsList()
                .stream()
                .map(AuditEvent::getId)
                .toList());
    Collections.reverse(ids);
    return ids;
  }

  @Test
  void watchEvents_resumesAfterTheLastIdWithoutGapOrDuplicate() {
    create("acme", "orders:read");
    String start = trailIds("acme").get(0);
    Watcher first = watch("acme", start);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(create("acme", "orders:read"));
    }
    List<AuditEvent> seen = new ArrayList<>(first.take(3));
    first.cancel();
    Eventually.await("stream closed", () -> kg.app.eventWatchers().open() == 0);

    // appended while nobody watches
    keys.add(create("acme", "orders:read"));
    keys.add(create("acme", "orders:read"));
    Watcher second = watch("acme", seen.get(2).getId());
    seen.addAll(second.take(2));
    keys.add(create("acme", "orders:read")); // live again
    seen.addAll(second.take(1));
    second.cancel();

    assertEquals(keys, seen.stream().map(AuditEvent::getKeyId).toList());
    List<String> trail = trailIds("acme");
    assertEquals(
        trail.subList(1, trail.size()),
        seen.stream().map(AuditEvent::getId).toList(),
        "the watched events are the trail after the start, each once");
    assertTrue(seen.stream().allMatch(e -> e.getAction().equals("create")));
  }

  @Test
  void watchEvents_sameRulesAsListEvents() {
    String reader =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("reader")
                    .addScopes("keys:read")
                    .build())
            .getSecret();
    StatusRuntimeException other = watch(reader, "beta", "", 0).error();
    assertDenied(
        Status.Code.PERMISSION_DENIED,
        "PROJECT_MISMATCH",
        () -> {
          throw other;
        });
    StatusRuntimeException all = watch(reader, "", "", 0).error();
    assertDenied(
        Status.Code.PERMISSION_DENIED,
        "PROJECT_MISMATCH",
        () -> {
          throw all;
        });
    StatusRuntimeException anonymous = watch("", "acme", "", 0).error();
    assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
    StatusRuntimeException badId = watch("acme", "yesterday").error();
    assertDenied(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () -> {
          throw badId;
        });

    // its own project, from the oldest kept event: the reader's own creation
    Watcher own = watch(reader, "acme", "0-0", 0);
    assertEquals("create", own.take(1).get(0).getAction());
    own.cancel();
  }

  @Test
  void watchEvents_adminWatchingAllSeesEveryProjectsSuccessesOnly() {
    Watcher all = watch("", "0-0");
    String a = create("acme", "orders:read");
    String b = create("beta", "orders:read");
    // a refusal: sampled into acme's trail, not broadcast
    try {
      kg.authorize()
          .check(dev.keygate.api.v1.CheckRequest.newBuilder().setKey("kg_live_nope").build());
    } catch (StatusRuntimeException expected) {
      // refused
    }
    String c = create("acme", "orders:read");
    List<AuditEvent> got = all.take(3);
    assertEquals(List.of(a, b, c), got.stream().map(AuditEvent::getKeyId).toList());
    assertEquals(
        List.of("acme", "beta", "acme"), got.stream().map(AuditEvent::getProject).toList());
    all.cancel();
  }

  @Test
  void watchEvents_resumePointTrimmed_isOutOfRange() {
    kg.close();
    kg =
        new InProcessKeygate(
            Map.of("KEYGATE_WATCH_POLL", "10ms", "KEYGATE_AUDIT_MAX_EVENTS", "100"));
    create("acme", "orders:read");
    String oldest = trailIds("acme").get(0);
    AuditLog log = kg.app.auditLog();
    for (int i = 0; i < 350; i++) {
      log.append(
          new dev.keygate.audit.AuditEvent(
              "", Instant.now(), "update", "ok", "admin-token", "", "acme", "", "admin", 0));
    }
    StatusRuntimeException e = watch("acme", oldest).error();
    assertDenied(
        Status.Code.OUT_OF_RANGE,
        "EVENTS_TRIMMED",
        () -> {
          throw e;
        });
  }

  @Test
  void watchEvents_beyondTheMaximumOfStreams_refusedAtOnceUntilOneCloses() {
    kg.close();
    kg =
        new InProcessKeygate(
            Map.of("KEYGATE_WATCH_POLL", "10ms", "KEYGATE_WATCH_MAX_STREAMS", "1"));
    Watcher first = watch("acme", "");
    StatusRuntimeException e = watch("acme", "").error();
    assertDenied(
        Status.Code.RESOURCE_EXHAUSTED,
        "WATCHERS_EXHAUSTED",
        () -> {
          throw e;
        });
    first.cancel();
    Eventually.await("slot freed", () -> kg.app.eventWatchers().open() == 0);
    Watcher again = watch("acme", "0-0");
    create("acme", "orders:read");
    assertEquals("create", again.take(1).get(0).getAction());
    again.cancel();
  }

  @Test
  void watchEvents_slowWatcher_serverReadsOneBatchAheadAtMost() {
    create("acme", "orders:read");
    AuditLog log = kg.app.auditLog();
    for (int i = 0; i < 1000; i++) {
      log.append(
          new dev.keygate.audit.AuditEvent(
              "", Instant.now(), "update", "ok", "admin-token", "", "acme", "", "admin", 0));
    }
    Watcher slow = watch(InProcessKeygate.ADMIN_TOKEN, "acme", "0-0", 1);
    slow.take(1);
    EventWatchers watchers = kg.app.eventWatchers();
    Eventually.await("the stream waits for its client", () -> watchers.parked() >= 1);
    assertTrue(
        watchers.sent() <= EventWatchers.BATCH,
        "read ahead of a client that asked for 1: " + watchers.sent());
    slow.call.request(2000);
    assertEquals(1000, slow.take(1000).size(), "the rest arrives once the client asks");
    slow.cancel();
  }
}
