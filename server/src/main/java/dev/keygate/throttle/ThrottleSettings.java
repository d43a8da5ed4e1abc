package dev.keygate.throttle;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of failed-authentication throttling, read with the rest of the configuration.
 *
 * @param limit failures a client may have per window before it is throttled ({@code
 *     KEYGATE_AUTH_FAILURE_LIMIT}, default {@value #DEFAULT_LIMIT}; 0 = off)
 * @param window the length of a client's counting window ({@code KEYGATE_AUTH_FAILURE_WINDOW},
 *     default 1m)
 * @param trustedProxyHops proxies in front of keygate's callers that append to {@code
 *     x-forwarded-for} and are trusted to ({@code KEYGATE_TRUSTED_PROXY_HOPS}, default 0 = ignore
 *     the header and use the connection's address)
 * @param maxClients clients tracked at once ({@code KEYGATE_AUTH_FAILURE_MAX_CLIENTS}, default
 *     100000): bounds the memory an address-hopping flood can take
 * @param trustedPeers CIDRs whose claims about the client ({@code source.address}, {@code
 *     x-forwarded-for}) are believed ({@code KEYGATE_TRUSTED_PEERS}, default loopback)
 */
public record ThrottleSettings(
    int limit, Duration window, int trustedProxyHops, int maxClients, String trustedPeers) {
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
    EnvReader r = new EnvReader(env);
    return new ThrottleSettings(
        r.integer("KEYGATE_AUTH_FAILURE_LIMIT", DEFAULT_LIMIT, 0, 1_000_000),
        r.duration("KEYGATE_AUTH_FAILURE_WINDOW", "1m", Duration.ofSeconds(1), Duration.ofHours(1)),
        r.integer("KEYGATE_TRUSTED_PROXY_HOPS", 0, 0, MAX_HOPS),
        r.integer("KEYGATE_AUTH_FAILURE_MAX_CLIENTS", 100_000, 1, 10_000_000),
        trustedPeers(r));
  }

  private static String trustedPeers(EnvReader r) {
    String peers = r.get("KEYGATE_TRUSTED_PEERS", ClientAddresses.LOOPBACK);
    try {
      new ClientAddresses(peers, 0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("KEYGATE_TRUSTED_PEERS: " + e.getMessage());
    }
    return peers;
  }

  /** Who the clients of calls are, by these settings. */
  public ClientAddresses clientAddresses() {
    return new ClientAddresses(trustedPeers, trustedProxyHops);
  }

  @Override
  public String toString() {
    return "authFailureLimit="
        + (enabled() ? limit + " per " + Durations.format(window) : "off")
        + ", trustedProxyHops="
        + trustedProxyHops
        + ", trustedPeers="
        + trustedPeers;
  }
}
