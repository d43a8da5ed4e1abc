package dev.keygate.leak;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;

/**
 * {@link SeenReports} in this process (beside the in-memory store): at most {@value #MAX_REPORTS}
 * remembered, the oldest forgotten first beyond that.
 */
public final class LocalSeenReports implements SeenReports {
  static final int MAX_REPORTS = 10_000;

  private final Cache<String, Boolean> seen;

  public LocalSeenReports(Clock clock) {
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(MAX_REPORTS)
            .expireAfterWrite(REMEMBERED)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  @Override
  public boolean firstTime(String fingerprint) {
    return seen.asMap().putIfAbsent(fingerprint, Boolean.TRUE) == null;
  }

  @Override
  public void forget(String fingerprint) {
    seen.invalidate(fingerprint);
  }
}
