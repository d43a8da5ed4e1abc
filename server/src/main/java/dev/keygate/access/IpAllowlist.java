package dev.keygate.access;

import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The client addresses a key may be used from: at most {@value #MAX_ENTRIES} CIDRs, IPv4 or IPv6.
 * Empty means the key has none of its own (its project's default, if any, applies; see {@link
 * ProjectAllowlists}). Matching walks the list: at most {@value #MAX_ENTRIES} masked compares,
 * nanoseconds beside the decision.
 *
 * @param cidrs the blocks, each without host bits, no two equal
 */
public record IpAllowlist(List<Cidr> cidrs) {
  /** Most CIDRs in one list: a key names its customers' egress ranges, not the internet. */
  public static final int MAX_ENTRIES = 32;

  /** No list of its own. */
  public static final IpAllowlist NONE = new IpAllowlist(List.of());

  public IpAllowlist {
    cidrs = List.copyOf(cidrs);
  }

  /**
   * A list from request text, every entry checked: an IP literal with an optional prefix length, no
   * host bits set, no repeats, at most {@value #MAX_ENTRIES}.
   *
   * @param field the request field, for violations ({@code allowed_cidrs}, {@code
   *     key.allowed_cidrs}); entries are named {@code field[i]}
   * @throws KeygateException INVALID_ARGUMENT listing every bad entry (up to the maximum)
   */
  public static IpAllowlist parse(String field, List<String> texts) {
    List<FieldViolation> violations = new ArrayList<>();
    if (texts.size() > MAX_ENTRIES) {
      violations.add(new FieldViolation(field, "must hold at most " + MAX_ENTRIES + " CIDRs"));
    }
    List<Cidr> cidrs = new ArrayList<>();
    Set<Cidr> seen = new HashSet<>();
    // entries past the maximum are not inspected: one violation says enough
    for (int i = 0; i < texts.size() && i < MAX_ENTRIES; i++) {
      String at = field + "[" + i + "]";
      try {
        Cidr cidr = Cidr.parse(texts.get(i).strip());
        if (cidr.hasHostBits()) {
          violations.add(
              new FieldViolation(
                  at, "has bits set past its prefix length; did you mean " + cidr.masked() + "?"));
        } else if (!seen.add(cidr)) {
          violations.add(new FieldViolation(at, "repeats an earlier CIDR"));
        } else {
          cidrs.add(cidr);
        }
      } catch (IllegalArgumentException e) {
        violations.add(new FieldViolation(at, e.getMessage()));
      }
    }
    if (!violations.isEmpty()) {
      throw KeygateException.invalid(violations);
    }
    return new IpAllowlist(cidrs);
  }

  /** True when the key has no list of its own. */
  public boolean isEmpty() {
    return cidrs.isEmpty();
  }

  /** True if {@code address} lies in one of the blocks. */
  public boolean permits(InetAddress address) {
    for (Cidr c : cidrs) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True if every address this list permits, {@code bound} permits too; an empty bound permits
   * everything, an empty list (no restriction) lies within an empty bound only.
   */
  public boolean within(IpAllowlist bound) {
    if (bound.isEmpty()) {
      return true;
    }
    if (isEmpty()) {
      return false;
    }
    return cidrs.stream().allMatch(inner -> bound.cidrs.stream().anyMatch(c -> c.covers(inner)));
  }

  /** The blocks as text, as the API shows them. */
  public List<String> texts() {
    return cidrs.stream().map(Cidr::toString).toList();
  }

  /** For storage: the blocks space-separated, "" for none. */
  public String encode() {
    return String.join(" ", texts());
  }

  /** The inverse of {@link #encode}; "" or null (a record from before allowlists) is none. */
  public static IpAllowlist decode(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return NONE;
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String part : encoded.split(" ")) {
      cidrs.add(Cidr.parse(part));
    }
    return new IpAllowlist(cidrs);
  }
}
