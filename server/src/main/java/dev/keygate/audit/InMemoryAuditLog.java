package dev.keygate.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audit trails in this process's memory, for the in-memory key store: exactly {@code maxEvents} per
 * trail at most (the oldest dropped first), lost on exit. Ids look like Redis stream ids ({@code
 * <millis>-<seq>}, increasing), so page tokens work the same on both logs.
 */
public final class InMemoryAuditLog implements AuditLog {
  private final int maxEvents;
  private final Map<String, Deque<AuditEvent>> trails = new HashMap<>();

  /** Keys of {@link #appendOnce}, the oldest forgotten past {@link #MAX_ONCE_KEYS}. */
  private final Map<String, Boolean> onceKeys =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_ONCE_KEYS;
        }
      };

  static final int MAX_ONCE_KEYS = 100_000;
  private long lastMillis;
  private long sequence;

  public InMemoryAuditLog(int maxEvents) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1");
    }
    this.maxEvents = maxEvents;
  }

  @Override
  public synchronized AuditEvent append(AuditEvent event) {
    long millis = event.time().toEpochMilli();
    if (millis > lastMillis) {
      lastMillis = millis;
      sequence = 0;
    } else {
      sequence++;
    }
    // one sequence for all trails: the event has the same id in its project's trail and in ALL
    AuditEvent stored = event.withId(lastMillis + "-" + sequence);
    add(event.project(), stored);
    if (stored.broadcast()) {
      add(ALL, stored);
    }
    return stored;
  }

  @Override
  public synchronized boolean appendOnce(String onceKey, AuditEvent event) {
    if (event.project().isEmpty()) {
      throw new IllegalArgumentException("appendOnce needs an event of a project");
    }
    if (onceKeys.putIfAbsent(onceKey, Boolean.TRUE) != null) {
      return false;
    }
    append(event);
    return true;
  }

  @Override
  public synchronized List<AuditEvent> after(String trail, String afterId, int max) {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : trails.getOrDefault(trail, new ArrayDeque<>())) {
      if (out.size() == max) {
        break;
      }
      if (EventIds.compare(e.id(), afterId) > 0) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public synchronized String newestId(String trail) {
    Deque<AuditEvent> t = trails.get(trail);
    return t == null || t.isEmpty() ? EventIds.START : t.getLast().id();
  }

  @Override
  public synchronized String oldestId(String trail) {
    Deque<AuditEvent> t = trails.get(trail);
    return t == null || t.isEmpty() ? "" : t.getFirst().id();
  }

  private void add(String name, AuditEvent stored) {
    Deque<AuditEvent> trail = trails.computeIfAbsent(name, p -> new ArrayDeque<>());
    trail.addLast(stored);
    while (trail.size() > maxEvents) {
      trail.removeFirst();
    }
  }

  @Override
  public synchronized EventPage list(String project, EventQuery query) {
    long[] before = query.position();
    Deque<AuditEvent> trail = trails.getOrDefault(project, new ArrayDeque<>());
    List<AuditEvent> page = new ArrayList<>();
    int scanned = 0;
    String last = "";
    for (Iterator<AuditEvent> it = trail.descendingIterator(); it.hasNext(); ) {
      AuditEvent e = it.next();
      if (before != null && !olderThan(e.id(), before)) {
        continue;
      }
      if (page.size() == query.pageSize() || scanned == EventQuery.MAX_SCAN) {
        return new EventPage(page, last);
      }
      scanned++;
      last = e.id();
      if (query.matches(e)) {
        page.add(e);
      }
    }
    return new EventPage(page, "");
  }

  /** Events currently held in a trail ("" = global). */
  public synchronized int size(String project) {
    return trails.getOrDefault(project, new ArrayDeque<>()).size();
  }

  @Override
  public String describe() {
    return "in-memory audit log (" + maxEvents + " events per trail, lost on exit)";
  }

  private static boolean olderThan(String id, long[] position) {
    int dash = id.indexOf('-');
    long millis = Long.parseLong(id.substring(0, dash));
    long seq = Long.parseLong(id.substring(dash + 1));
    return millis < position[0] || millis == position[0] && seq < position[1];
  }
}
