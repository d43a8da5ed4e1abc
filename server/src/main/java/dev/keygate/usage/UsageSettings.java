package dev.keygate.usage;

import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Usage counting ({@link UsageRecorder}).
 *
 * @param flushInterval {@code KEYGATE_USAGE_FLUSH_INTERVAL}, how often counts are written to the
 *     store (default 1s)
 */
public record UsageSettings(Duration flushInterval) {

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static UsageSettings fromEnv(Map<String, String> env) {
    return new UsageSettings(
        new EnvReader(env)
            .duration(
                "KEYGATE_USAGE_FLUSH_INTERVAL",
                "1s",
                Duration.ofMillis(10),
                Duration.ofMinutes(10)));
  }

  @Override
  public String toString() {
    return "usageFlushInterval=" + Durations.format(flushInterval);
  }
}
