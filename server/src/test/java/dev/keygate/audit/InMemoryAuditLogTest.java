package dev.keygate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InMemoryAuditLogTest extends AuditLogContract {
  @Override
  protected AuditLog newLog(int maxEvents) {
    return new InMemoryAuditLog(maxEvents);
  }

  @Override
  protected long length(String project) {
    return ((InMemoryAuditLog) log).size(project);
  }

  @Test
  void append_keepsExactlyTheMaximum() {
    for (int i = 0; i < MAX + 1; i++) {
      log.append(event(i, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    }
    assertEquals(MAX, length("acme"));
  }

  @Test
  void append_sameMillisecondGetsIncreasingIds() {
    AuditEvent a = log.append(event(1, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    AuditEvent b = log.append(event(1, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    AuditEvent c = log.append(event(0, AuditEvent.UPDATE, "aaaaaaaaaaa1", "acme"));
    assertEquals(T0.toEpochMilli() + 1 + "-0", a.id());
    assertEquals(T0.toEpochMilli() + 1 + "-1", b.id());
    // a clock going back never produces an id below the last one
    assertEquals(T0.toEpochMilli() + 1 + "-2", c.id());
  }
}
