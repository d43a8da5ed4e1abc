package dev.keygate.key;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Scope syntax and matching. A scope is {@code resource:action}; {@code resource:*} grants every
 * action on the resource and {@code admin:*} grants everything.
 */
public final class Scopes {
  /** The scope that grants everything. */
  public static final String SUPERUSER = "admin:*";

  /** Longest scope accepted. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_.-]*:([a-z][a-z0-9_.-]*|\\*)");

  private Scopes() {}

  /** Empty if valid, else why not (without echoing more than the caller gave). */
  public static Optional<String> validate(String scope) {
    if (scope == null || scope.isEmpty()) {
      return Optional.of("scope must not be empty");
    }
    if (scope.length() > MAX_LENGTH) {
      return Optional.of("scope longer than " + MAX_LENGTH + " characters");
    }
    if (!SCOPE.matcher(scope).matches()) {
      return Optional.of(
          "scope must be resource:action or resource:* in [a-z0-9_.-], e.g. tasks:read");
    }
    return Optional.empty();
  }

  /** True if the held scope {@code granted} covers the scope {@code required}. */
  public static boolean covers(String granted, String required) {
    if (granted.equals(SUPERUSER) || granted.equals(required)) {
      return true;
    }
    if (granted.endsWith(":*")) {
      int colon = granted.length() - 1;
      // "tasks:*" covers "tasks:read" and "tasks:*" (same resource, any action)
      return required.length() > colon && required.regionMatches(0, granted, 0, colon);
    }
    return false;
  }

  /** True if any of {@code granted} covers {@code required}. */
  public static boolean anyCovers(Collection<String> granted, String required) {
    for (String g : granted) {
      if (covers(g, required)) {
        return true;
      }
    }
    return false;
  }

  /** The required scopes not covered by the granted ones, in the order given. */
  public static List<String> missing(Collection<String> granted, Collection<String> required) {
    List<String> missing = new ArrayList<>();
    for (String r : required) {
      if (!anyCovers(granted, r)) {
        missing.add(r);
      }
    }
    return missing;
  }
}
