package dev.keygate.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address to listen on, written {@code host:port} in settings: a name, an IPv4 address or a
 * bracketed IPv6 address ({@code [::1]:9464}), and a port from 0 (any free port) to 65535.
 *
 * @param host the host, IPv6 without its brackets
 * @param port the port
 */
public record HostPort(String host, int port) {
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");

  /** The address, or empty when {@code text} is not {@code host:port}. */
  public static Optional<HostPort> parse(String text) {
    var m = HOST_PORT.matcher(text);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      return Optional.empty();
    }
    return Optional.of(
        new HostPort(m.group(1).replace("[", "").replace("]", ""), Integer.parseInt(m.group(2))));
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
