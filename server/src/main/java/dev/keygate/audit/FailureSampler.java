package dev.keygate.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;

/**
 * Admits at most {@code perSecond} failure samples per trail and clock second, and remembers how
 * many were turned away so the next admitted sample can say so. Bounded: windows of trails not seen
 * for a minute are forgotten (with their dropped count, which the metrics still hold).
 */
final class FailureSampler {
  private final int perSecond;
  private final Clock clock;
  private final Cache<String, Window> windows =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(1)).build();

  FailureSampler(int perSecond, Clock clock) {
    this.perSecond = perSecond;
    this.clock = clock;
  }

  /**
   * @return the failures of this trail dropped since its previous sample (&ge; 0) if this one may
   *     be written, or -1 if it is dropped (and counted for the next sample)
   */
  long admit(String trail) {
    if (perSecond == 0) {
      return -1;
    }
    long second = Math.floorDiv(clock.millis(), 1000);
    return windows.get(trail, t -> new Window()).admit(second, perSecond);
  }

  /** An admitted sample could not be written after all: report it with the next one. */
  void unwrite(String trail) {
    windows.get(trail, t -> new Window()).dropped(1);
  }

  private static final class Window {
    private long second = Long.MIN_VALUE;
    private int count;
    private long dropped;

    synchronized long admit(long now, int limit) {
      if (now != second) {
        second = now;
        count = 0;
      }
      if (count >= limit) {
        dropped++;
        return -1;
      }
      count++;
      long before = dropped;
      dropped = 0;
      return before;
    }

    synchronized void dropped(long n) {
      dropped += n;
    }
  }
}
