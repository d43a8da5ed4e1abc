package dev.keygate.key;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One rate limit of a key or project together with where it is counted.
 *
 * @param spec how many calls per period
 * @param scope local, global, or the sidecar's default
 */
public record KeyLimit(RateLimitSpec spec, LimitScope scope) {
  public KeyLimit {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(scope, "scope");
  }

  /** {@code <scope letter><requests>/<period millis>}, e.g. {@code g100/60000}. */
  public String encode() {
    return scope.code() + spec.encode();
  }

  /** Reverses {@link #encode()}. */
  public static KeyLimit decode(String encoded) {
    return new KeyLimit(
        RateLimitSpec.decode(encoded.substring(1)), LimitScope.ofCode(encoded.charAt(0)));
  }

  /** Comma-joined {@link #encode()} forms; "" for none. */
  public static String encodeAll(List<KeyLimit> limits) {
    return String.join(",", limits.stream().map(KeyLimit::encode).toList());
  }

  /** Reverses {@link #encodeAll}. */
  public static List<KeyLimit> decodeAll(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return List.of();
    }
    List<KeyLimit> out = new ArrayList<>();
    for (String part : encoded.split(",")) {
      out.add(decode(part));
    }
    return List.copyOf(out);
  }
}
