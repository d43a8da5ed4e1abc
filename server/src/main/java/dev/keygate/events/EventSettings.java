package dev.keygate.events;

import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Lifecycle events and their watchers.
 *
 * @param expiringLead {@code KEYGATE_EVENTS_EXPIRING_LEAD}, how long before a key's expiry {@code
 *     key.expiring} is raised (default 14d)
 * @param creditsLowPercent {@code KEYGATE_EVENTS_CREDITS_LOW_PERCENT}, the share of a key's granted
 *     credits at or below which {@code credits.low} is raised (default 10)
 * @param tick {@code KEYGATE_EVENTS_TICK}, how often each sidecar claims due events (default 1s)
 * @param claimLease {@code KEYGATE_EVENTS_CLAIM_LEASE}, how long a claimed event is left to its
 *     sidecar before another one takes it over (default 1m)
 * @param watchMaxStreams {@code KEYGATE_WATCH_MAX_STREAMS}, WatchEvents streams open at once per
 *     sidecar (default 64); one more is refused with RESOURCE_EXHAUSTED
 * @param watchPoll {@code KEYGATE_WATCH_POLL}, how often a WatchEvents stream looks for new events
 *     (default 250ms)
 */
public record EventSettings(
    Duration expiringLead,
    int creditsLowPercent,
    Duration tick,
    Duration claimLease,
    int watchMaxStreams,
    Duration watchPoll) {

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static EventSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new EventSettings(
        r.duration(
            "KEYGATE_EVENTS_EXPIRING_LEAD", "14d", Duration.ofMinutes(1), Duration.ofDays(365)),
        r.integer("KEYGATE_EVENTS_CREDITS_LOW_PERCENT", 10, 1, 99),
        r.duration("KEYGATE_EVENTS_TICK", "1s", Duration.ofMillis(10), Duration.ofMinutes(1)),
        r.duration("KEYGATE_EVENTS_CLAIM_LEASE", "1m", Duration.ofSeconds(1), Duration.ofHours(1)),
        r.integer("KEYGATE_WATCH_MAX_STREAMS", 64, 1, 10_000),
        r.duration("KEYGATE_WATCH_POLL", "250ms", Duration.ofMillis(10), Duration.ofSeconds(10)));
  }

  @Override
  public String toString() {
    return "eventsExpiringLead="
        + Durations.format(expiringLead)
        + ", creditsLow="
        + creditsLowPercent
        + "%, eventsTick="
        + Durations.format(tick)
        + ", watchMaxStreams="
        + watchMaxStreams;
  }
}
