package dev.keygate.envoy;

import dev.keygate.key.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * What an HTTP request needs from its API key, as a route rule, a route's {@code
 * context_extensions} or the default spell it: {@code deny} (no key opens the route), {@code
 * any-key} (any valid key), or one or more scopes, all required ({@code tasks:read}, {@code
 * tasks:read tasks:write} or {@code tasks:read,tasks:write}).
 */
public sealed interface Requirement {
  /** The spelling of {@link Deny}. */
  String DENY = "deny";

  /** The spelling of a {@link Scoped} requirement without scopes. */
  String ANY_KEY = "any-key";

  /** Most scopes one requirement may list; matches the Authorize API's limit. */
  int MAX_SCOPES = 32;

  /** No key opens the request. */
  record Deny() implements Requirement {
    @Override
    public String toString() {
      return DENY;
    }
  }

  /** A valid key holding every one of {@code scopes} (none = any valid key). */
  record Scoped(List<String> scopes) implements Requirement {
    public Scoped {
      scopes = List.copyOf(scopes);
    }

    @Override
    public String toString() {
      return scopes.isEmpty() ? ANY_KEY : String.join(" ", scopes);
    }
  }

  /**
   * Parses a requirement.
   *
   * @throws IllegalArgumentException naming what is wrong (the text holds no secrets: it is
   *     operator configuration)
   */
  static Requirement parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.equals(DENY)) {
      return new Deny();
    }
    if (trimmed.equals(ANY_KEY)) {
      return new Scoped(List.of());
    }
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty: expected deny, any-key or scopes like tasks:read");
    }
    List<String> scopes = new ArrayList<>();
    for (String scope : trimmed.split("[\\s,]+")) {
      var problem = Scopes.validate(scope);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(
            "'" + scope + "': " + problem.get() + " (or deny / any-key alone)");
      }
      scopes.add(scope);
    }
    if (scopes.size() > MAX_SCOPES) {
      throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes");
    }
    return new Scoped(scopes);
  }
}
