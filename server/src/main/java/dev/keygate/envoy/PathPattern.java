package dev.keygate.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path pattern of a route rule: literal segments, {@code *} for exactly one segment and {@code
 * **} for any number of segments (zero included), each a whole segment: {@code /v1/tasks/*} matches
 * {@code /v1/tasks/42} but not {@code /v1/tasks} or {@code /v1/tasks/42/notes}; {@code
 * /v1/tasks/**} matches all three. Matching is case-sensitive and ignores one trailing slash. A
 * pattern holds at most one {@code **}, which keeps matching linear in the path's length whatever a
 * client sends. Paths are matched in {@link PathNormalizer}'s normal form, never as sent.
 */
final class PathPattern {
  private static final String ONE = "*";
  private static final String ANY = "**";

  /**
   * Characters of a literal segment: RFC 3986 pchar without percent-encoding and without {@code ;},
   * which {@link PathNormalizer} cuts off with the segment's parameters before matching.
   */
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,=:@-]+");

  private final String text;
  private final List<String> segments;

  private PathPattern(String text, List<String> segments) {
    this.text = text;
    this.segments = segments;
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with the pattern
   */
  static PathPattern parse(String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("path pattern '" + text + "' must start with /");
    }
    List<String> segments = segments(text);
    if (segments.stream().filter(ANY::equals).count() > 1) {
      throw new IllegalArgumentException("path pattern '" + text + "' may hold ** only once");
    }
    for (String s : segments) {
      if (s.equals(ONE) || s.equals(ANY)) {
        continue;
      }
      if (s.isEmpty() || s.equals(".") || s.equals("..") || !LITERAL.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "path pattern '"
                + text
                + "': segment '"
                + s
                + "' must be *, ** or literal characters (no empty, dot or percent-encoded"
                + " segments, no ; parameters; * and ** stand for whole segments only)");
      }
    }
    return new PathPattern(text, List.copyOf(segments));
  }

  /** True if the path (without query string) matches; a relative or empty path never does. */
  boolean matches(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    return matches(segments, 0, segments(path), 0);
  }

  private static boolean matches(List<String> pattern, int p, List<String> path, int s) {
    while (p < pattern.size()) {
      String want = pattern.get(p);
      if (want.equals(ANY)) {
        // try every split; with one ** per pattern this is linear in the path's length
        for (int rest = s; rest <= path.size(); rest++) {
          if (matches(pattern, p + 1, path, rest)) {
            return true;
          }
        }
        return false;
      }
      if (s >= path.size()
          || path.get(s).isEmpty()
          || !(want.equals(ONE) || want.equals(path.get(s)))) {
        return false;
      }
      p++;
      s++;
    }
    return s == path.size();
  }

  /** "/a/b/" and "/a/b" give [a, b]; "/" gives []. */
  private static List<String> segments(String path) {
    String trimmed =
        path.length() > 1 && path.endsWith("/")
            ? path.substring(1, path.length() - 1)
            : path.substring(1);
    List<String> out = new ArrayList<>();
    if (trimmed.isEmpty()) {
      return out;
    }
    for (String s : trimmed.split("/", -1)) {
      out.add(s);
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
