package dev.keygate.throttle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Turns what a surface knows about a caller (the connection's peer address, Envoy's {@code
 * source.address}, an {@code x-forwarded-for} header) into the client identity failures are counted
 * under: the IPv4 address, or the /64 network of an IPv6 address (one host usually holds a whole
 * /64, so counting single IPv6 addresses would let it dodge the limit).
 *
 * <p>Loopback clients have no identity (null) and are never throttled: on loopback the caller is
 * the co-located application (or Envoy) acting for many users, and throttling it would lock all of
 * them out. Such a caller passes its users' addresses on in {@code x-forwarded-for} (Envoy's {@code
 * source.address} is the downstream client already).
 *
 * <p>Text from the wire is parsed strictly as an IP literal and never resolved through DNS; what is
 * not an IP literal is ignored.
 */
public final class ClientAddresses {
  /** Longest text parsed as an address: an IPv6 literal with brackets and a port. */
  private static final int MAX_ADDRESS_TEXT = 64;

  /** Most x-forwarded-for entries looked at; a longer header is a client's invention. */
  private static final int MAX_FORWARDED_ENTRIES = 32;

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private ClientAddresses() {}

  /** The identity of a connection's peer; null for loopback and non-IP transports (in-process). */
  public static String of(SocketAddress peer) {
    if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return identity(inet.getAddress());
    }
    return null;
  }

  /**
   * The identity of an address written as text ({@code 1.2.3.4}, {@code [2001:db8::1]:80}); null if
   * it is not an IP literal, or loopback.
   */
  public static String parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    if (s.isEmpty() || s.length() > MAX_ADDRESS_TEXT) {
      return null;
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      s = s.substring(1, close);
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
      s = s.substring(0, s.indexOf(':')); // IPv4 with a port
    }
    if (IPV4.matcher(s).matches()) {
      return literal(s);
    }
    if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) {
      // in brackets the JDK parses the text as an IPv6 literal only, never asking DNS
      return literal("[" + s + "]");
    }
    return null;
  }

  /**
   * The client of a call: with {@code trustedHops} = h > 0 and an {@code x-forwarded-for} of at
   * least h entries, the h-th entry from the right (the address the outermost trusted proxy saw);
   * otherwise the connection's own identity. Entries further left are written by the client and
   * never trusted.
   *
   * @param connection the identity of the direct peer (may be null)
   * @param forwardedFor the header's value, repeats joined by commas; null when absent
   */
  public static String resolve(String connection, String forwardedFor, int trustedHops) {
    if (trustedHops <= 0 || forwardedFor == null || forwardedFor.isBlank()) {
      return connection;
    }
    String[] entries = forwardedFor.split(",", -1);
    if (entries.length < trustedHops || entries.length > MAX_FORWARDED_ENTRIES) {
      return connection;
    }
    String client = parse(entries[entries.length - trustedHops]);
    return client == null ? connection : client;
  }

  private static String literal(String s) {
    try {
      return identity(InetAddress.getByName(s));
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  private static String identity(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return null;
    }
    if (address instanceof Inet6Address) {
      byte[] network = address.getAddress();
      for (int i = 8; i < network.length; i++) {
        network[i] = 0;
      }
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 16 bytes are always a valid address
      }
    }
    return address.getHostAddress();
  }
}
