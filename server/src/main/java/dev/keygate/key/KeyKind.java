package dev.keygate.key;

import java.util.Locale;
import java.util.Optional;

/** The environment a key belongs to; it is spelled into the secret ({@code kg_live_…}). */
public enum KeyKind {
  LIVE,
  TEST;

  /** The lower-case form used in secrets, configuration and Redis. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code live} / {@code test} (any case). */
  public static Optional<KeyKind> fromLabel(String label) {
    for (KeyKind kind : values()) {
      if (kind.label().equalsIgnoreCase(label)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
