package dev.keygate.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link DueEvents} of the in-memory store: one process, so a lock is the atomic claim. Bounded by
 * the keys of the store (at most two members per key and expiry).
 */
public final class InMemoryDueEvents implements DueEvents {
  private record Entry(long at, String member) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : member.compareTo(o.member);
    }
  }

  private final TreeSet<Entry> due = new TreeSet<>();
  private final Map<String, Long> dueAt = new HashMap<>();
  private final TreeSet<Entry> claimed = new TreeSet<>();
  private final Map<String, Long> claimedUntil = new HashMap<>();

  @Override
  public synchronized void schedule(String member, Instant at) {
    Long old = dueAt.put(member, at.toEpochMilli());
    if (old != null) {
      due.remove(new Entry(old, member));
    }
    due.add(new Entry(at.toEpochMilli(), member));
  }

  @Override
  public synchronized List<String> claim(Instant now, Instant leaseUntil, int max) {
    List<String> out = new ArrayList<>();
    long t = now.toEpochMilli();
    takeDue(claimed, claimedUntil, t, max, out);
    takeDue(due, dueAt, t, max, out);
    for (String m : out) {
      claimed.add(new Entry(leaseUntil.toEpochMilli(), m));
      claimedUntil.put(m, leaseUntil.toEpochMilli());
    }
    return out;
  }

  private static void takeDue(
      TreeSet<Entry> set, Map<String, Long> at, long now, int max, List<String> out) {
    while (out.size() < max && !set.isEmpty() && set.first().at() <= now) {
      Entry e = set.pollFirst();
      at.remove(e.member());
      out.add(e.member());
    }
  }

  @Override
  public synchronized void done(String member) {
    Long until = claimedUntil.remove(member);
    if (until != null) {
      claimed.remove(new Entry(until, member));
    }
  }

  @Override
  public synchronized long pending() {
    return due.size();
  }
}
