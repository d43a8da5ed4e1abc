package dev.keygate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} must do. Subclasses supply a fresh, empty log per test. */
abstract class AuditLogContract {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** The smallest KEYGATE_AUDIT_MAX_EVENTS allowed. */
  static final int MAX = 100;

  protected AuditLog log;

  protected abstract AuditLog newLog(int maxEvents);

  /** Entries a trail holds now. */
  protected abstract long length(String project);

  @BeforeEach
  void open() {
    log = newLog(MAX);
  }

  @AfterEach
  void close() {
    log.close();
  }

  static AuditEvent event(int n, String action, String keyId, String project) {
    return new AuditEvent(
        "",
        T0.plusMillis(n),
        action,
        AuditEvent.OK,
        "admin-token",
        keyId,
        project,
        "req-" + n,
        "admin",
        0);
  }

  private List<AuditEvent> all(String project, EventQuery first) {
    List<AuditEvent> out = new ArrayList<>();
    EventQuery q = first;
    for (int pages = 0; pages < 1000; pages++) {
      EventPage page = log.list(project, q);
      out.addAll(page.events());
      if (page.nextPageToken().isEmpty()) {
        return out;
      }
      q = new EventQuery(page.nextPageToken(), q.pageSize(), q.keyId(), q.action());
    }
    throw new AssertionError("paging did not end");
  }

  @Test
  void append_thenListNewestFirstWithEveryField() {
    log.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme"));
    AuditEvent sample =
        new AuditEvent(
            "",
            T0.plusMillis(2),
            AuditEvent.AUTHORIZE_DENIED,
            "SCOPE_MISSING",
            "aaaaaaaaaaa1",
            "aaaaaaaaaaa1",
            "acme",
            "",
            "envoy",
            7);
    AuditEvent stored = log.append(sample);
    assertFalse(stored.id().isEmpty());
    EventPage page = log.list("acme", new EventQuery("", 10, "", ""));
    assertEquals(2, page.events().size());
    assertEquals("", page.nextPageToken());
    AuditEvent newest = page.events().get(0);
    assertEquals(sample.withId(stored.id()), newest);
    AuditEvent oldest = page.events().get(1);
    assertEquals(AuditEvent.CREATE, oldest.action());
    assertEquals("req-1", oldest.requestId());
    assertEquals(T0.plusMillis(1), oldest.time());
  }

  @Test
  void list_pagesThroughEveryEventOnceInOrder() {
    for (int i = 0; i < 25; i++) {
      log.append(event(i, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    }
    List<AuditEvent> seen = all("acme", new EventQuery("", 7, "", ""));
    assertEquals(25, seen.size());
    for (int i = 0; i < 25; i++) {
      assertEquals("req-" + (24 - i), seen.get(i).requestId());
    }
  }

  @Test
  void list_filtersByKeyIdAndAction() {
    for (int i = 0; i < 30; i++) {
      log.append(
          event(
              i,
              i % 3 == 0 ? AuditEvent.REVOKE : AuditEvent.UPDATE,
              i % 2 == 0 ? "aaaaaaaaaaa1" : "bbbbbbbbbbb2",
              "acme"));
    }
    List<AuditEvent> revokesOfA =
        all("acme", new EventQuery("", 2, "aaaaaaaaaaa1", AuditEvent.REVOKE));
    // i divisible by 6: 0, 6, 12, 18, 24
    assertEquals(
        List.of("req-24", "req-18", "req-12", "req-6", "req-0"),
        revokesOfA.stream().map(AuditEvent::requestId).toList());
  }

  @Test
  void trails_areSeparatePerProjectAndGlobal() {
    log.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme"));
    log.append(event(2, AuditEvent.ADMIN_AUTH_FAILED, "", ""));
    assertEquals(1, log.list("acme", new EventQuery("", 10, "", "")).events().size());
    EventPage global = log.list("", new EventQuery("", 10, "", ""));
    assertEquals(1, global.events().size());
    assertEquals(AuditEvent.ADMIN_AUTH_FAILED, global.events().get(0).action());
    assertTrue(log.list("other", new EventQuery("", 10, "", "")).events().isEmpty());
  }

  @Test
  void append_beyondMaximumDropsOldestAndStaysBounded() {
    int appended = MAX * 5;
    for (int i = 0; i < appended; i++) {
      log.append(event(i, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    }
    long length = length("acme");
    // Redis trims whole stream nodes (100 entries by default): at least MAX, at most ~MAX + 100
    assertTrue(length >= MAX && length <= MAX + 100, "length " + length);
    List<AuditEvent> kept = all("acme", new EventQuery("", 1000, "", ""));
    assertEquals(length, kept.size());
    assertEquals("req-" + (appended - 1), kept.get(0).requestId());
    assertEquals("req-" + (appended - length), kept.get(kept.size() - 1).requestId());
  }

  @Test
  void list_foreignPageTokenIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> log.list("acme", new EventQuery("not-a-token", 10, "", "")));
    assertThrows(
        IllegalArgumentException.class,
        () -> log.list("acme", new EventQuery("1-2-3", 10, "", "")));
  }

  @Test
  void list_filterMatchingNothingScansBoundedAndOffersToken() {
    int appended = EventQuery.MAX_SCAN + 50;
    AuditLog big = newLog(appended);
    try {
      for (int i = 0; i < appended; i++) {
        big.append(event(i, AuditEvent.UPDATE, "aaaaaaaaaaa1", "wide"));
      }
      EventPage first = big.list("wide", new EventQuery("", 10, "zzzzzzzzzzz9", ""));
      assertTrue(first.events().isEmpty());
      assertFalse(first.nextPageToken().isEmpty(), "a scan cut short must offer a token");
      EventPage rest =
          big.list("wide", new EventQuery(first.nextPageToken(), 10, "zzzzzzzzzzz9", ""));
      assertTrue(rest.events().isEmpty());
      assertEquals("", rest.nextPageToken());
    } finally {
      big.close();
    }
  }

  @Test
  void append_broadcastsSuccessesToAllTrailButNotRefusals() {
    log.append(event(1, AuditEvent.CREATE, "aaaaaaaaaaa1", "acme"));
    log.append(event(2, AuditEvent.UPDATE, "aaaaaaaaaaa2", "beta"));
    log.append(
        new AuditEvent(
            "",
            T0.plusMillis(3),
            AuditEvent.AUTHORIZE_DENIED,
            "SCOPE_MISSING",
            "aaaaaaaaaaa1",
            "aaaaaaaaaaa1",
            "acme",
            "",
            "envoy",
            0));
    List<AuditEvent> all = log.after(AuditLog.ALL, EventIds.START, 10);
    assertEquals(List.of("acme", "beta"), all.stream().map(AuditEvent::project).toList());
    assertEquals(2, log.after("acme", EventIds.START, 10).size());
  }

  @Test
  void after_returnsEventsStrictlyAfterTheIdOldestFirstAndBounded() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(log.append(event(i, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme")).id());
    }
    List<AuditEvent> rest = log.after("acme", ids.get(1), 10);
    assertEquals(ids.subList(2, 5), rest.stream().map(AuditEvent::id).toList());
    assertEquals(
        ids.subList(2, 4), log.after("acme", ids.get(1), 2).stream().map(AuditEvent::id).toList());
    assertEquals(List.of(), log.after("acme", ids.get(4), 10));
    assertEquals(ids.get(4), log.newestId("acme"));
    assertEquals(ids.get(0), log.oldestId("acme"));
    assertEquals(EventIds.START, log.newestId("empty"));
    assertEquals("", log.oldestId("empty"));
  }

  @Test
  void appendOnce_appendsOncePerKeyToItsTrailAndAll() {
    AuditEvent e = event(1, AuditEvent.KEY_EXPIRING, "aaaaaaaaaaa1", "acme");
    assertTrue(log.appendOnce("key.expiring|aaaaaaaaaaa1|1", e));
    assertFalse(log.appendOnce("key.expiring|aaaaaaaaaaa1|1", e));
    assertTrue(log.appendOnce("key.expiring|aaaaaaaaaaa1|2", e));
    assertEquals(2, log.after("acme", EventIds.START, 10).size());
    assertEquals(2, log.after(AuditLog.ALL, EventIds.START, 10).size());
    assertThrows(
        IllegalArgumentException.class,
        () -> log.appendOnce("x", event(2, AuditEvent.KEY_EXPIRED, "aaaaaaaaaaa1", "")));
  }
}
