package dev.keygate.throttle;

import dev.keygate.access.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides who a call's client is. Whose word is believed: the connection's peer
 * is always known; what a peer <em>claims</em> about the client (Envoy's {@code source.address},
 * {@code x-forwarded-for}) is believed only from a trusted peer ({@code KEYGATE_TRUSTED_PEERS}, a
 * CIDR list, default loopback). From any other peer the connection's address is the client,
 * whatever it sends, so a pod that reaches the port can neither claim loopback (and go unthrottled)
 * nor frame another address. Surfaces call {@link #client}; {@link #parse} and {@link #of} are the
 * address rules alone.
 *
 * <p>Turns what a surface knows about a caller (the connection's peer address, Envoy's {@code
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

  /** The default {@code KEYGATE_TRUSTED_PEERS}: the co-located Envoy or application. */
  public static final String LOOPBACK = "127.0.0.0/8,::1/128";

  private final List<Cidr> trustedPeers;
  private final int trustedHops;

  /**
   * @param trustedPeers comma-separated CIDRs ({@code 10.0.0.0/8,fd00::/8}; a bare address is a
   *     single host) whose claims about the client are believed
   * @param trustedHops {@code KEYGATE_TRUSTED_PROXY_HOPS}: proxies that append to {@code
   *     x-forwarded-for} in front of a trusted peer (0 = the header is ignored)
   * @throws IllegalArgumentException naming the entry that is not an IP literal or CIDR
   */
  public ClientAddresses(String trustedPeers, int trustedHops) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String entry : trustedPeers.split(",")) {
      if (!entry.isBlank()) {
        cidrs.add(Cidr.parse(entry.strip()));
      }
    }
    this.trustedPeers = List.copyOf(cidrs);
    this.trustedHops = trustedHops;
  }

  /**
   * The client identity of a call (null = unknown or loopback: never throttled).
   *
   * @param peer the connection's remote address; a non-IP transport (in-process) is trusted, since
   *     it is this JVM
   * @param claimedSource the client address the peer reports (Envoy's {@code source.address}); null
   *     or "" when it reports none
   * @param forwardedFor the {@code x-forwarded-for} value (repeats joined by commas); null if none
   */
  public String client(SocketAddress peer, String claimedSource, String forwardedFor) {
    InetAddress peerAddress = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (peerAddress != null && !trusts(peerAddress)) {
      return identity(peerAddress);
    }
    String claimed = claimedSource == null || claimedSource.isEmpty() ? null : parse(claimedSource);
    String base = claimed != null ? claimed : of(peer);
    if (trustedHops <= 0 || forwardedFor == null) {
      return base;
    }
    String forwarded = parse(hopFromRight(forwardedFor, trustedHops));
    return forwarded != null ? forwarded : base;
  }

  /**
   * The client's full address by the same rules as {@link #client} (which peer's word is believed,
   * which {@code x-forwarded-for} entry is read), for IP allowlists: unlike the identity it keeps
   * loopback and the whole IPv6 address. Empty only when nothing names an IP address (an in-process
   * call with no believed claim).
   */
  public Optional<InetAddress> address(
      SocketAddress peer, String claimedSource, String forwardedFor) {
    InetAddress peerAddress = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (peerAddress != null && !trusts(peerAddress)) {
      return Optional.of(peerAddress);
    }
    Optional<InetAddress> base =
        claimedSource == null || claimedSource.isEmpty()
            ? Optional.empty()
            : parseAddress(claimedSource);
    if (base.isEmpty()) {
      base = Optional.ofNullable(peerAddress);
    }
    if (trustedHops <= 0 || forwardedFor == null) {
      return base;
    }
    Optional<InetAddress> forwarded = parseAddress(hopFromRight(forwardedFor, trustedHops));
    return forwarded.isPresent() ? forwarded : base;
  }

  /** True if the peer's claims are believed. */
  boolean trusts(InetAddress peer) {
    for (Cidr c : trustedPeers) {
      if (c.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code hop}-th entry from the right, found by scanning from the right: however many entries
   * a client prepends, the ones the trusted proxies appended are read, never a fallback to the
   * proxy's (shared) address. Null when the header has fewer entries (it did not come through every
   * proxy).
   */
  private static String hopFromRight(String header, int hop) {
    int end = header.length();
    for (int i = 1; ; i++) {
      int comma = header.lastIndexOf(',', end - 1);
      if (i == hop) {
        return header.substring(comma + 1, end);
      }
      if (comma < 0) {
        return null;
      }
      end = comma;
    }
  }

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
    return parseAddress(text).map(ClientAddresses::identity).orElse(null);
  }

  /**
   * An address written as text ({@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code [2001:db8::1]:80},
   * {@code 2001:db8::1}); empty if it is not an IP literal.
   */
  private static Optional<InetAddress> parseAddress(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    if (s.isEmpty() || s.length() > MAX_ADDRESS_TEXT) {
      return Optional.empty();
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return Optional.empty();
      }
      s = s.substring(1, close);
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
      s = s.substring(0, s.indexOf(':')); // IPv4 with a port
    }
    return Cidr.literal(s);
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
