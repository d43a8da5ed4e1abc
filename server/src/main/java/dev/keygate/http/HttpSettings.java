package dev.keygate.http;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import dev.keygate.config.HostPort;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The HTTP forward-auth listener ({@link HttpAuthServer}); which headers carry the key and which
 * route table applies are the Envoy settings ({@code KEYGATE_ENVOY_KEY_HEADERS}, {@code
 * KEYGATE_ROUTES}), so every proxy gets the same answer for the same request.
 *
 * @param listen {@code KEYGATE_HTTP_LISTEN}, host:port (port 0 = any free port); null = off, the
 *     default, so no port opens by surprise
 * @param threads {@code KEYGATE_HTTP_THREADS}, the listener's own event loops (default 2): they
 *     only parse, decide from memory and write; store reads never run on them
 * @param envoyPrefix {@code KEYGATE_HTTP_ENVOY_PREFIX}, the {@code path_prefix} of Envoy's HTTP
 *     ext_authz service (default {@code /envoy}): {@code /envoy/v1/tasks} asks about {@code
 *     /v1/tasks}
 * @param scopeHeader {@code KEYGATE_HTTP_SCOPE_HEADER}, a request header through which the proxy
 *     config names what a route needs (like Envoy's {@code keygate_scope}); null = off, the
 *     default, because a proxy passes client headers on to keygate unless its config overwrites
 *     them
 * @param costHeader {@code KEYGATE_HTTP_COST_HEADER}, a request header through which the proxy
 *     config names the credits a route's calls cost (like Envoy's {@code keygate_cost}); null =
 *     off, the default (every call costs 1), for the same reason as {@code scopeHeader}
 * @param maxHeaderBytes {@code KEYGATE_HTTP_MAX_HEADER_BYTES}, the largest header block (default
 *     16384); beyond it: 431 and the connection closes
 * @param readTimeout {@code KEYGATE_HTTP_READ_TIMEOUT}, how long a request may take to arrive from
 *     its first byte (default 5s): a slow client (slowloris) gets 408 and is closed
 * @param idleTimeout {@code KEYGATE_HTTP_IDLE_TIMEOUT}, how long a keep-alive connection may sit
 *     without a request (default 60s; above the proxies' upstream keep-alive defaults, so they
 *     close first)
 */
public record HttpSettings(
    HostPort listen,
    int threads,
    String envoyPrefix,
    String scopeHeader,
    String costHeader,
    int maxHeaderBytes,
    Duration readTimeout,
    Duration idleTimeout) {
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,64}");

  /** The documented defaults: off. */
  public static HttpSettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static HttpSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String listenText = r.get("KEYGATE_HTTP_LISTEN", "off");
    HostPort listen =
        listenText.equals("off")
            ? null
            : HostPort.parse(listenText)
                .orElseThrow(
                    () ->
                        new ConfigException(
                            "KEYGATE_HTTP_LISTEN must be off or host:port, e.g. 127.0.0.1:7071"));
    String prefix = r.get("KEYGATE_HTTP_ENVOY_PREFIX", "/envoy");
    if (!PREFIX.matcher(prefix).matches() || OriginalRequest.reserved(prefix)) {
      throw new ConfigException(
          "KEYGATE_HTTP_ENVOY_PREFIX must be a path like /envoy (no trailing slash), other than "
              + OriginalRequest.NGINX_PATH
              + " and "
              + OriginalRequest.FORWARD_PATH);
    }
    return new HttpSettings(
        listen,
        r.integer("KEYGATE_HTTP_THREADS", 2, 1, 16),
        prefix,
        header(r, "KEYGATE_HTTP_SCOPE_HEADER", "x-keygate-scope"),
        header(r, "KEYGATE_HTTP_COST_HEADER", "x-keygate-cost"),
        r.integer("KEYGATE_HTTP_MAX_HEADER_BYTES", 16 << 10, 1 << 10, 64 << 10),
        r.duration(
            "KEYGATE_HTTP_READ_TIMEOUT", "5s", Duration.ofMillis(100), Duration.ofMinutes(1)),
        r.duration("KEYGATE_HTTP_IDLE_TIMEOUT", "60s", Duration.ofSeconds(1), Duration.ofHours(1)));
  }

  /** An optional header name: lower-cased; "off" or unset = null. */
  private static String header(EnvReader r, String name, String example) {
    String header = r.optional(name);
    if (header == null) {
      return null;
    }
    header = header.toLowerCase(Locale.ROOT);
    if (header.equals("off")) {
      return null;
    }
    if (!HEADER_NAME.matcher(header).matches()) {
      throw new ConfigException(name + " must be off or a header name like " + example);
    }
    return header;
  }

  /** True when the listener runs. */
  public boolean enabled() {
    return listen != null;
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "off";
    }
    return listen
        + " (threads "
        + threads
        + ", envoyPrefix "
        + envoyPrefix
        + ", scopeHeader "
        + (scopeHeader == null ? "off" : scopeHeader)
        + ", costHeader "
        + (costHeader == null ? "off" : costHeader)
        + ", readTimeout "
        + Durations.format(readTimeout)
        + ")";
  }
}
