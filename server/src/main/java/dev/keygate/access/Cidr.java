package dev.keygate.access;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address block: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address ({@code 203.0.113.7},
 * a /32 or /128). The one CIDR type of keygate: IP allowlists and {@code KEYGATE_TRUSTED_PEERS}
 * both use it. Text is parsed strictly as an IP literal and never resolved through DNS.
 *
 * @param network the block's address bytes (4 or 16), as written
 * @param bits the prefix length
 */
public record Cidr(byte[] network, int bits) {
  /** Longest text parsed as an address or CIDR: an IPv6 literal with a /128. */
  static final int MAX_TEXT = 64;

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public Cidr {
    network = network.clone();
  }

  /**
   * Parses {@code address[/bits]}; host bits may be set (they are ignored when matching).
   *
   * @throws IllegalArgumentException saying what is wrong, echoing at most {@value #MAX_TEXT}
   *     characters of the input
   */
  public static Cidr parse(String text) {
    String shown = text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    InetAddress address = text.length() > MAX_TEXT ? null : literal(host).orElse(null);
    if (address == null) {
      throw new IllegalArgumentException("'" + shown + "' is not an IP address or CIDR");
    }
    int max = address.getAddress().length * 8;
    int bits;
    try {
      bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("'" + shown + "' has a prefix length outside 0-" + max);
    }
    return new Cidr(address.getAddress(), bits);
  }

  /**
   * An IP literal ({@code 192.0.2.1}, {@code 2001:db8::1}, no brackets, no port, no zone) as an
   * address, never through DNS; empty if the text is not one. An IPv4-mapped IPv6 literal is its
   * IPv4 address, as the JDK reads it.
   */
  public static Optional<InetAddress> literal(String text) {
    if (IPV4.matcher(text).matches()) {
      return address(text);
    }
    if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
      // in brackets the JDK parses the text as an IPv6 literal only, never asking DNS
      return address("[" + text + "]");
    }
    return Optional.empty();
  }

  private static Optional<InetAddress> address(String literal) {
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True if {@code candidate} lies in the block (an IPv4 address never lies in an IPv6 block). */
  public boolean contains(InetAddress candidate) {
    return contains(candidate.getAddress(), network, bits);
  }

  /** True if every address of {@code inner} lies in this block. */
  public boolean covers(Cidr inner) {
    return inner.bits >= bits && contains(inner.network, network, bits);
  }

  /** True if the address has bits set past the prefix ({@code 10.0.0.1/8}): likely a typo. */
  public boolean hasHostBits() {
    for (int i = bits; i < network.length * 8; i++) {
      if ((network[i / 8] & (0x80 >>> (i % 8))) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The block with its host bits cleared: {@code 10.0.0.1/8} is {@code 10.0.0.0/8}. */
  public Cidr masked() {
    byte[] masked = network.clone();
    for (int i = bits; i < masked.length * 8; i++) {
      masked[i / 8] &= (byte) ~(0x80 >>> (i % 8));
    }
    return new Cidr(masked, bits);
  }

  private static boolean contains(byte[] a, byte[] network, int bits) {
    if (a.length != network.length) {
      return false;
    }
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[whole] & mask) == (network[whole] & mask);
  }

  /** An address as text, IPv6 in its shortest form (RFC 5952): {@code 2001:db8::1}. */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // the longest run of at least two zero words becomes "::" (the first, if runs tie)
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(words[i]));
    }
    return out.toString();
  }

  /** {@code address/bits}, the address in {@link #format}'s form. */
  @Override
  public String toString() {
    try {
      return format(InetAddress.getByAddress(network)) + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes are always an address
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + bits;
  }
}
