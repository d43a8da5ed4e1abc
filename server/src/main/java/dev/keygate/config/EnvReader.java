package dev.keygate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Reads settings from environment variables, turning every problem into a {@link ConfigException}
 * that names the variable. Blank counts as unset; values are stripped. Shared by every settings
 * record, so all of them read and report alike.
 */
public record EnvReader(Map<String, String> env) {

  /** The value, or null when unset or blank. */
  public String optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The value, or {@code fallback} when unset or blank. */
  public String get(String name, String fallback) {
    String v = optional(name);
    return v == null ? fallback : v;
  }

  /** A whole number from {@code min} to {@code max}, or {@code fallback} when unset. */
  public int integer(String name, int fallback, int min, int max) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name + " must be a whole number from " + min + " to " + max);
  }

  /**
   * A duration ({@link Durations}) from {@code min} to {@code max}; {@code fallback} when unset.
   */
  public Duration duration(String name, String fallback, Duration min, Duration max) {
    Duration d;
    try {
      d = Durations.parse(get(name, fallback));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + ": " + e.getMessage());
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(
          name + " must be between " + Durations.format(min) + " and " + Durations.format(max));
    }
    return d;
  }

  /**
   * A secret: the value of NAME, else the content of the file named by NAME_FILE (for mounted
   * Kubernetes Secrets); never both. Null when neither is set. The value never appears in an error.
   */
  public byte[] secret(String name, int minLength) {
    String direct = optional(name);
    String file = optional(name + "_FILE");
    if (direct != null && file != null) {
      throw new ConfigException("set " + name + " or " + name + "_FILE, not both");
    }
    String value = direct;
    if (file != null) {
      try {
        value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            name + "_FILE: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (value == null) {
      return null;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < minLength) {
      throw new ConfigException(name + " must be at least " + minLength + " bytes long");
    }
    return bytes;
  }
}
