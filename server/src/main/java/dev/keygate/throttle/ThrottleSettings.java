package dev.keygate.throttle;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of failed-authentication throttling, read with the rest of the configuration.
 *
 * @param limit failures a client may have per window before it is throttled
 *     ({@code KEYGATE_AUTH_FAILURE_LIMIT}, default {@value #DEFAULT_LIMIT}; 0 = off)
 * @param window the length of a client's counting window ({@code KEYGATE_AUTH_FAILURE_WINDOW},
 *     default 1m)
 * @param trustedProxyHops proxies in front of keygate's callers that append to
 *     {@code x-forwarded-for} and are trusted to ({@code KEYGATE_TRUSTED_PROXY_HOPS}, default 0 =
 *     ignore the header and use the connection's address)
 * @param maxClients clients tracked at once ({@code KEYGATE_AUTH_FAILURE_MAX_CLIENTS}, default
 *     100000): bounds the memory an address-hopping flood can take
 */
public record ThrottleSettings(int limit, Duration window, int trustedProxyHops, int maxClients) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_HOPS = 10;

  /** True when throttling is on. */
  public boolean enabled() {
    return limit > 0;
  }

  /** The documented defaults. */
  public static ThrottleSettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static ThrottleSettings fromEnv(Map<String, String> env) {
    return new ThrottleSettings(
        integer(env, "KEYGATE_AUTH_FAILURE_LIMIT", DEFAULT_LIMIT, 0, 1_000_000),
        duration(env, "KEYGATE_AUTH_FAILURE_WINDOW", "1m", Duration.ofSeconds(1),
            Duration.ofHours(1)),
        integer(env, "KEYGATE_TRUSTED_PROXY_HOPS", 0, 0, MAX_HOPS),
        integer(env, "KEYGATE_AUTH_FAILURE_MAX_CLIENTS", 100_000, 1, 10_000_000));
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min,
      int max) {
    String v = value(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name + " must be a whole number from " + min + " to " + max);
  }

  private static Duration duration(Map<String, String> env, String name, String fallback,
      Duration min, Duration max) {
    String v = value(env, name);
    try {
      Duration d = Durations.parse(v == null ? fallback : v);
      if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + ": " + e.getMessage());
    }
    throw new ConfigException(name + " must be between " + Durations.format(min) + " and "
        + Durations.format(max));
  }
}
