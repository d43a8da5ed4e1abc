package dev.keygate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.testing.Eventually;
import dev.keygate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTrailTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final InMemoryAuditLog log = new InMemoryAuditLog(1000);

  private static void fail(AuditTrail trail, String project) {
    trail.sampleFailure(
        AuditEvent.AUTHORIZE_DENIED, "KEY_UNKNOWN", "", "", project, "", "authorize");
  }

  private List<AuditEvent> events(String project) {
    return log.list(project, new EventQuery("", 1000, "", "")).events();
  }

  @Test
  void sampleFailure_admitsAtMostTheRatePerTrailAndSecondAndReportsTheDropped() {
    try (AuditTrail trail = new AuditTrail(log, clock, 2)) {
      for (int i = 0; i < 5; i++) {
        fail(trail, "");
      }
      fail(trail, "acme"); // another trail has its own budget
      Eventually.await("3 samples written", () -> trail.written() == 3);
      assertEquals(2, events("").size());
      assertEquals(1, events("acme").size());
      assertEquals(3, trail.droppedRateLimited());

      clock.advance(Duration.ofSeconds(1));
      fail(trail, "");
      Eventually.await("the next second's sample written", () -> trail.written() == 4);
      AuditEvent next = events("").get(0);
      assertEquals(3, next.droppedBefore(), "the sample after a drop says how many were lost");
      assertEquals("KEY_UNKNOWN", next.outcome());
      assertEquals(0, events("").get(1).droppedBefore());
    }
  }

  @Test
  void sampleFailure_zeroRateWritesNothingButCounts() {
    try (AuditTrail trail = new AuditTrail(log, clock, 0)) {
      fail(trail, "");
      fail(trail, "");
      assertEquals(2, trail.droppedRateLimited());
    }
    assertEquals(0, events("").size());
  }

  @Test
  void close_writesSamplesStillQueued() {
    AuditTrail trail = new AuditTrail(log, clock, 1000);
    for (int i = 0; i < 200; i++) {
      fail(trail, "");
    }
    trail.close();
    // 200 fit the queue: every one is written, none dropped (a sum alone passes when all drop)
    assertEquals(0, trail.droppedQueueFull());
    assertEquals(200, trail.written());
    assertEquals(200, events("").size());
  }
}
