package dev.keygate.key;

import java.util.Locale;

/** Where a rate limit is counted. */
public enum LimitScope {
  /** The sidecar's default, {@code KEYGATE_RATE_LIMIT_SCOPE}; resolved when a call is counted. */
  DEFAULT('d'),
  /** In each sidecar separately (resilience4j, no Redis round trip). */
  LOCAL('l'),
  /** Once for every sidecar sharing Redis (GCRA in Redis). */
  GLOBAL('g');

  private final char code;

  LimitScope(char code) {
    this.code = code;
  }

  /** One-letter form used in Redis. */
  public char code() {
    return code;
  }

  /** Lower-case label, as in ErrorInfo metadata and configuration. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static LimitScope ofCode(char c) {
    for (LimitScope s : values()) {
      if (s.code == c) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown limit scope '" + c + "'");
  }
}
