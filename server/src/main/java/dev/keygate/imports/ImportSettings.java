package dev.keygate.imports;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keys imported from another system in that system's format ({@code KeyAdmin.ImportKeys}).
 *
 * @param foreignPrefixes {@code KEYGATE_IMPORT_KEY_PREFIXES}, comma-separated: the starts of the
 *     imported keys not in keygate's format (e.g. {@code sk_live_,sk_test_}). Only a presented key
 *     starting with one of them is looked up by digest; any other that fails keygate's format check
 *     is refused without a lookup, as before. Default none: imported keys must then be in keygate's
 *     own format
 */
public record ImportSettings(List<String> foreignPrefixes) {
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{1,31}");
  static final int MAX_PREFIXES = 16;

  public ImportSettings {
    foreignPrefixes = List.copyOf(foreignPrefixes);
  }

  /** The documented default: no foreign prefixes. */
  public static ImportSettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static ImportSettings fromEnv(Map<String, String> env) {
    String text = new EnvReader(env).get("KEYGATE_IMPORT_KEY_PREFIXES", "");
    List<String> prefixes = new ArrayList<>();
    for (String p : text.split(",")) {
      String prefix = p.trim();
      if (prefix.isEmpty()) {
        continue;
      }
      if (!PREFIX.matcher(prefix).matches()) {
        throw new ConfigException(
            "KEYGATE_IMPORT_KEY_PREFIXES must be comma-separated prefixes of 2-32 characters of "
                + "[A-Za-z0-9_.-], e.g. sk_live_,sk_test_");
      }
      prefixes.add(prefix);
    }
    if (prefixes.size() > MAX_PREFIXES) {
      throw new ConfigException(
          "KEYGATE_IMPORT_KEY_PREFIXES names more than " + MAX_PREFIXES + " prefixes");
    }
    return new ImportSettings(prefixes);
  }

  /** The configured prefix {@code secret} starts with (the longest), if any. */
  public Optional<String> prefixOf(String secret) {
    String best = null;
    for (String p : foreignPrefixes) {
      if (secret.startsWith(p)
          && secret.length() > p.length()
          && (best == null || p.length() > best.length())) {
        best = p;
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public String toString() {
    return "importPrefixes="
        + (foreignPrefixes.isEmpty() ? "none" : String.join(",", foreignPrefixes));
  }
}
