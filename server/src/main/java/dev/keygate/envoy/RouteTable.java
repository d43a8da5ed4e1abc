package dev.keygate.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The route table ({@code KEYGATE_ROUTES}): which {@link Requirement} an HTTP method and path
 * carry. One rule a line, {@code <methods> <path pattern> <requirement>}; the first rule that
 * matches wins, so put exceptions before broad rules. Blank lines and {@code #} comments are
 * ignored.
 *
 * <pre>
 * GET,HEAD /v1/tasks/**      tasks:read
 * DELETE   /v1/tasks/*       tasks:delete
 * *        /v1/admin/**      deny
 * POST     /v1/tasks         tasks:write tasks:read
 * </pre>
 *
 * <p>Methods are upper-case names separated by commas, or {@code *} for any; path patterns are
 * {@link PathPattern}s; requirements are {@link Requirement}s. Rules are matched against the
 * normalized path ({@link PathNormalizer}), so {@code /v1/x/../admin}, {@code //v1/admin}, {@code
 * /v1/%61dmin} and {@code /v1/admin;x} all meet the {@code /v1/admin/**} rule.
 */
public final class RouteTable {
  /** Most rules a table may hold: a table is written by hand, this only bounds a runaway file. */
  static final int MAX_RULES = 10_000;

  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
  private static final RouteTable EMPTY = new RouteTable(List.of());

  private final List<Rule> rules;

  private RouteTable(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** The table without rules: every request falls through to the default. */
  public static RouteTable empty() {
    return EMPTY;
  }

  /**
   * Parses a table.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  public static RouteTable parse(String text) {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      if (rules.size() == MAX_RULES) {
        throw new IllegalArgumentException("more than " + MAX_RULES + " rules");
      }
      try {
        rules.add(Rule.parse(content));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new RouteTable(rules);
  }

  /** True when the table has no rules. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The number of rules. */
  public int size() {
    return rules.size();
  }

  /**
   * The requirement of the first rule matching the method and the request path as {@link
   * PathNormalizer} normalizes it (query string and fragment ignored). A path the normalizer
   * refuses gets {@code deny}, never a fall-through to a looser default; a caller that wants to
   * answer such a path with 400 normalizes it first and handles {@link
   * PathNormalizer.RefusedPathException}.
   */
  public Optional<Requirement> find(String method, String path) {
    String normal;
    try {
      normal = PathNormalizer.normalize(path);
    } catch (PathNormalizer.RefusedPathException e) {
      return Optional.of(new Requirement.Deny());
    }
    return findNormalized(method, normal);
  }

  /** As {@link #find}, for a path already in {@link PathNormalizer}'s normal form. */
  Optional<Requirement> findNormalized(String method, String normalPath) {
    for (Rule rule : rules) {
      if (rule.matches(method, normalPath)) {
        return Optional.of(rule.requirement());
      }
    }
    return Optional.empty();
  }

  /**
   * One line of the table.
   *
   * @param methods the methods it covers; empty = every method
   */
  record Rule(Set<String> methods, PathPattern path, Requirement requirement) {
    static Rule parse(String content) {
      String[] parts = content.split("\\s+", 3);
      if (parts.length < 3) {
        throw new IllegalArgumentException(
            "expected '<methods> <path pattern> <requirement>', "
                + "e.g. 'GET /v1/tasks/** tasks:read'");
      }
      return new Rule(methods(parts[0]), PathPattern.parse(parts[1]), Requirement.parse(parts[2]));
    }

    private static Set<String> methods(String text) {
      if (text.equals("*")) {
        return Set.of();
      }
      List<String> methods = List.of(text.split(",", -1));
      for (String m : methods) {
        if (!METHOD.matcher(m).matches()) {
          throw new IllegalArgumentException(
              "method '"
                  + m
                  + "' must be an upper-case HTTP method like GET, several joined by commas, or *");
        }
      }
      return Set.copyOf(methods);
    }

    boolean matches(String method, String requestPath) {
      return (methods.isEmpty() || methods.contains(method)) && path.matches(requestPath);
    }
  }
}
