package dev.keygate.envoy;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings of the Envoy ext_authz surface, read with the rest of the configuration.
 *
 * @param keyHeaders request headers that may carry the key, in the order tried ({@code
 *     KEYGATE_ENVOY_KEY_HEADERS}, default {@code authorization,x-api-key}); {@code authorization}
 *     is read in the Bearer scheme, any other header whole
 * @param removeKeyHeaders whether the headers that carried the key are removed before the request
 *     goes upstream ({@code KEYGATE_ENVOY_REMOVE_KEY_HEADERS}, default true)
 * @param routes the route table from the file named by {@code KEYGATE_ROUTES} (default none)
 * @param routesDefault the requirement of requests that neither the route's {@code
 *     context_extensions} nor the table cover ({@code KEYGATE_ROUTES_DEFAULT}, default {@code
 *     deny})
 */
public record EnvoySettings(
    List<String> keyHeaders,
    boolean removeKeyHeaders,
    RouteTable routes,
    Requirement routesDefault) {
  /** Largest route file read; a hand-written table is a few KiB. */
  static final long MAX_ROUTES_FILE_BYTES = 1 << 20;

  static final int MAX_KEY_HEADERS = 8;
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,64}");

  public EnvoySettings {
    keyHeaders = List.copyOf(keyHeaders);
  }

  /** The documented defaults. */
  public static EnvoySettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static EnvoySettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new EnvoySettings(
        keyHeaders(r.get("KEYGATE_ENVOY_KEY_HEADERS", "authorization,x-api-key")),
        bool(r, "KEYGATE_ENVOY_REMOVE_KEY_HEADERS", true),
        routes(r.get("KEYGATE_ROUTES", "")),
        requirement(r.get("KEYGATE_ROUTES_DEFAULT", Requirement.DENY)));
  }

  private static List<String> keyHeaders(String text) {
    List<String> names = new ArrayList<>();
    for (String raw : text.split(",")) {
      String name = raw.strip().toLowerCase(Locale.ROOT);
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new ConfigException(
            "KEYGATE_ENVOY_KEY_HEADERS must be HTTP header names "
                + "separated by commas, e.g. authorization,x-api-key");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    if (names.size() > MAX_KEY_HEADERS) {
      throw new ConfigException(
          "KEYGATE_ENVOY_KEY_HEADERS may name at most " + MAX_KEY_HEADERS + " headers");
    }
    return names;
  }

  private static boolean bool(EnvReader r, String name, boolean fallback) {
    String v = r.get(name, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(name + " must be true or false");
    };
  }

  private static RouteTable routes(String file) {
    if (file.isEmpty()) {
      return RouteTable.empty();
    }
    try {
      return RouteTable.parse(read(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("KEYGATE_ROUTES: " + file + " " + e.getMessage());
    }
  }

  private static String read(String file) {
    try {
      Path path = Path.of(file);
      if (Files.size(path) <= MAX_ROUTES_FILE_BYTES) {
        return Files.readString(path, StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          "KEYGATE_ROUTES: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    throw new ConfigException(
        "KEYGATE_ROUTES: " + file + " is larger than " + MAX_ROUTES_FILE_BYTES + " bytes");
  }

  private static Requirement requirement(String text) {
    try {
      return Requirement.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("KEYGATE_ROUTES_DEFAULT: " + e.getMessage());
    }
  }
}
