package dev.keygate.key;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import java.util.Map;

/**
 * How keys are spelled and hashed. The pepper is a secret: it comes from the variable or from a
 * file named by {@code KEYGATE_PEPPER_FILE} (a mounted Kubernetes Secret), and never appears in
 * {@link #toString()}.
 *
 * @param prefix {@code KEYGATE_KEY_PREFIX}, the start of every secret (default kg)
 * @param environment {@code KEYGATE_ENVIRONMENT}, live or test (default live)
 * @param pepper {@code KEYGATE_PEPPER}, the HMAC key of stored digests; null = none given (allowed
 *     for the in-memory store only)
 */
public record KeySettings(String prefix, KeyKind environment, byte[] pepper) {
  /** Shortest pepper accepted, in bytes. */
  public static final int MIN_PEPPER_LENGTH = 16;

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static KeySettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    byte[] pepper = r.secret("KEYGATE_PEPPER", MIN_PEPPER_LENGTH);
    String prefix = r.get("KEYGATE_KEY_PREFIX", "kg");
    if (!KeyFormat.isValidPrefix(prefix)) {
      throw new ConfigException(
          "KEYGATE_KEY_PREFIX must be 1-16 characters of [a-z0-9], starting with a letter");
    }
    KeyKind environment =
        KeyKind.fromLabel(r.get("KEYGATE_ENVIRONMENT", "live"))
            .orElseThrow(() -> new ConfigException("KEYGATE_ENVIRONMENT must be live or test"));
    return new KeySettings(prefix, environment, pepper);
  }

  @Override
  public String toString() {
    // never the pepper
    return "environment=" + environment.label() + ", keyPrefix=" + prefix;
  }
}
