package dev.keygate.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Counts failed authentications per client in a fixed window and tells when a client has had more
 * than its share: such a client is refused before any key is parsed or looked up, so a flood of
 * guessed keys costs no Redis command.
 *
 * <p>Memory is bounded: at most {@link ThrottleSettings#maxClients()} clients are tracked (Caffeine
 * evicts the least useful beyond that), and a client's entry goes once a window has passed since
 * its last failure. Time is the decision path's clock, also for the expiry, so tests move it by
 * hand.
 */
public final class FailureThrottle {
  private static final FailureThrottle DISABLED = new FailureThrottle(null, null);

  private final ThrottleSettings settings;
  private final Clock clock;
  private final Cache<String, Window> windows;

  private FailureThrottle(ThrottleSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.windows =
        settings == null
            ? null
            : Caffeine.newBuilder()
                .maximumSize(settings.maxClients())
                .expireAfterWrite(settings.window())
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
  }

  /** A throttle per the settings; the disabled one when they turn throttling off. */
  public static FailureThrottle of(ThrottleSettings settings, Clock clock) {
    return settings.enabled() ? new FailureThrottle(settings, clock) : DISABLED;
  }

  /** The throttle that never throttles. */
  public static FailureThrottle disabled() {
    return DISABLED;
  }

  /** The settings; null when disabled. */
  public ThrottleSettings settings() {
    return settings;
  }

  /**
   * Empty when the client may try; otherwise how long until its window ends.
   *
   * @param client the client identity ({@link ClientAddresses}); null = unknown, never throttled
   */
  public Optional<Duration> check(String client) {
    if (windows == null || client == null) {
      return Optional.empty();
    }
    Window w = windows.getIfPresent(client);
    long now = clock.millis();
    if (w == null || now >= w.end(settings) || w.failures() < settings.limit()) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(w.end(settings) - now));
  }

  /** Counts one failed authentication of the client. */
  public void recordFailure(String client) {
    if (windows == null || client == null) {
      return;
    }
    long now = clock.millis();
    windows
        .asMap()
        .compute(
            client,
            (k, w) ->
                w == null || now >= w.end(settings)
                    ? new Window(now, 1)
                    : new Window(w.start(), w.failures() + 1));
  }

  /** Clients currently tracked (for tests and metrics; approximate under concurrency). */
  public long trackedClients() {
    if (windows == null) {
      return 0;
    }
    windows.cleanUp();
    return windows.estimatedSize();
  }

  /** One client's current window: when it began (epoch ms) and its failures so far. */
  private record Window(long start, int failures) {
    long end(ThrottleSettings settings) {
      return start + settings.window().toMillis();
    }
  }
}
