package dev.keygate.admin;

import dev.keygate.config.EnvReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Key administration. The admin token is a secret: it comes from the variable or from a file named
 * by {@code KEYGATE_ADMIN_TOKEN_FILE} (a mounted Kubernetes Secret), and never appears in {@link
 * #toString()}.
 *
 * @param token {@code KEYGATE_ADMIN_TOKEN}; null = only API keys may administer
 * @param maxActiveKeysPerProject {@code KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT} (default 10)
 */
public record AdminSettings(String token, int maxActiveKeysPerProject) {
  /** Shortest admin token accepted, in bytes. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static AdminSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    byte[] token = r.secret("KEYGATE_ADMIN_TOKEN", MIN_TOKEN_LENGTH);
    return new AdminSettings(
        token == null ? null : new String(token, StandardCharsets.UTF_8),
        r.integer("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", 10, 1, 1_000_000));
  }

  @Override
  public String toString() {
    // never the token
    return "maxActiveKeysPerProject="
        + maxActiveKeysPerProject
        + ", adminToken="
        + (token == null ? "unset" : "set");
  }
}
