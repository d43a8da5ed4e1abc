package dev.keygate.events;

import java.time.Instant;
import java.util.List;

/**
 * Lifecycle events waiting for their time, shared by every sidecar of a store. A due event is
 * claimed by one sidecar at a time: claiming moves it to a claimed set with a lease, {@link #done}
 * removes it, and a claim whose lease ran out (its sidecar died between claim and done) is handed
 * out again. So every event is handed out until one sidecar finishes it; the audit log's
 * once-markers make a second finish a no-op.
 */
public interface DueEvents {

  /** Schedules {@code member} for {@code due}; an existing member only moves to the new time. */
  void schedule(String member, Instant due);

  /**
   * Atomically claims up to {@code max} members due at {@code now} (first those whose earlier claim
   * expired, then newly due ones), each until {@code leaseUntil}.
   */
  List<String> claim(Instant now, Instant leaseUntil, int max);

  /** Forgets a claimed member: its event is in the audit log (or it was stale). */
  void done(String member);

  /** Members scheduled and not yet claimed (tests, metrics). */
  long pending();
}
