package dev.keygate.envoy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The form of a request path that route rules are matched against: the path the application will
 * most likely serve, whatever spelling the client chose. Envoy's {@code normalize_path} (RFC 3986
 * section 6) and {@code merge_slashes}, plus the servlet containers' {@code ;parameters}:
 *
 * <ol>
 *   <li>the query string and fragment are cut off;
 *   <li>percent-escapes of unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded ({@code
 *       %61dmin} is {@code admin}, {@code %2e%2e} is {@code ..}), every other escape is upper-cased
 *       ({@code %3b} is {@code %3B}), and characters a URI path cannot hold raw (space, {@code
 *       "<>[]^`{|}}, non-ASCII) are percent-encoded as UTF-8;
 *   <li>each segment loses its {@code ;parameters} ({@code /admin;x=1} is {@code /admin}, {@code
 *       /a/..;/admin} is {@code /admin}). Envoy keeps them, but Tomcat, Jetty and other servlet
 *       containers drop them before routing, so a rule must see what those upstreams see. A pattern
 *       therefore never holds {@code ;};
 *   <li>{@code .} and {@code ..} segments are resolved (RFC 3986 section 5.2.4; never above the
 *       root), then empty segments are merged ({@code //} is {@code /}): Envoy's order;
 *   <li>one trailing slash stays (patterns ignore it).
 * </ol>
 *
 * <p>Refused, as ambiguous (upstreams disagree on what they name): a path not starting with {@code
 * /}; an encoded slash or backslash ({@code %2F}, {@code %5C}: Envoy's {@code
 * path_with_escaped_slashes_action: REJECT_REQUEST} refuses them too); a raw backslash (a slash to
 * IIS and some frameworks); control characters, raw or encoded ({@code %00}-{@code %1F}, {@code
 * %7F}); a {@code %} not followed by two hex digits; an unpaired UTF-16 surrogate; and a {@code ..}
 * that would remove an empty segment ({@code /a//../b}), where resolving dots before merging
 * slashes (Envoy, giving {@code /a/b}) and after (nginx and most frameworks, giving {@code /b})
 * disagree. A path Envoy has already normalized (with the options of {@code docs/envoy/envoy.yaml})
 * is never refused; it can only lose {@code ;parameters} and have its escapes upper-cased.
 *
 * <p>Normalizing is idempotent and linear in the path's length.
 */
public final class PathNormalizer {
  private static final String HEX = "0123456789ABCDEF";

  /** Characters a path keeps raw: RFC 3986 pchar (without pct-encoded) and the slash. */
  private static final boolean[] RAW = new boolean[128];

  static {
    for (char c :
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")
            .toCharArray()) {
      RAW[c] = true;
    }
  }

  private PathNormalizer() {}

  /** Why a path was refused; the message never echoes the path (it is client input). */
  public static final class RefusedPathException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedPathException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The normal form of a request path (query string and fragment allowed, and ignored).
   *
   * @throws RefusedPathException when the path is ambiguous or malformed: answer 400
   */
  public static String normalize(String path) throws RefusedPathException {
    String p = withoutQuery(path);
    if (!p.startsWith("/")) {
      throw new RefusedPathException("the request path must start with /");
    }
    List<String> segments = segments(canonicalCharacters(p));
    List<String> envoyOrder = mergeSlashes(removeDotSegments(segments));
    if (!envoyOrder.equals(removeDotSegments(mergeSlashes(segments)))) {
      throw new RefusedPathException(
          "the request path is ambiguous: a .. segment follows an empty segment (//)");
    }
    return "/" + String.join("/", envoyOrder);
  }

  /** The path up to the query string or fragment. */
  static String withoutQuery(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return path.substring(0, i);
      }
    }
    return path;
  }

  /** Escapes decoded or upper-cased, other characters kept or encoded; refuses ambiguous ones. */
  private static String canonicalCharacters(String p) throws RefusedPathException {
    StringBuilder out = new StringBuilder(p.length() + 8);
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '%') {
        if (i + 2 >= p.length() || !isAsciiHex(p.charAt(i + 1)) || !isAsciiHex(p.charAt(i + 2))) {
          throw new RefusedPathException(
              "the request path holds a % that is not followed by two hex digits");
        }
        int b = Character.digit(p.charAt(i + 1), 16) * 16 + Character.digit(p.charAt(i + 2), 16);
        if (b == '/' || b == '\\') {
          throw new RefusedPathException(
              "the request path holds an encoded slash or backslash (%2F, %5C)");
        }
        if (b < 0x20 || b == 0x7f) {
          throw new RefusedPathException("the request path holds an encoded control character");
        }
        if (isUnreserved(b)) {
          out.append((char) b);
        } else {
          appendEscape(out, b);
        }
        i += 2;
      } else if (c == '\\') {
        throw new RefusedPathException("the request path holds a backslash");
      } else if (c < 0x20 || c == 0x7f) {
        throw new RefusedPathException("the request path holds a control character");
      } else if (c < 0x80 && RAW[c]) {
        out.append(c);
      } else if (c < 0x80) {
        appendEscape(out, c);
      } else {
        int cp = p.codePointAt(i);
        if (Character.isSurrogate(c) && Character.charCount(cp) == 1) {
          throw new RefusedPathException("the request path is not valid Unicode");
        }
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          appendEscape(out, b & 0xff);
        }
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toString();
  }

  private static boolean isAsciiHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static void appendEscape(StringBuilder out, int b) {
    out.append('%').append(HEX.charAt(b >> 4)).append(HEX.charAt(b & 0xf));
  }

  /** The segments after the leading slash, each without its ;parameters: "/" gives [""]. */
  private static List<String> segments(String p) {
    List<String> out = new ArrayList<>();
    int start = 1;
    while (true) {
      int slash = p.indexOf('/', start);
      String segment = slash < 0 ? p.substring(start) : p.substring(start, slash);
      int semicolon = segment.indexOf(';');
      out.add(semicolon < 0 ? segment : segment.substring(0, semicolon));
      if (slash < 0) {
        return out;
      }
      start = slash + 1;
    }
  }

  /**
   * RFC 3986 section 5.2.4 on a segment list: {@code .} goes, {@code ..} takes the segment before
   * it (none at the root) and a dot segment at the end leaves a trailing slash ({@code ""}).
   */
  private static List<String> removeDotSegments(List<String> segments) {
    List<String> out = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      boolean dot = s.equals(".");
      boolean dotDot = s.equals("..");
      if (dotDot && !out.isEmpty()) {
        out.remove(out.size() - 1);
      }
      if (!dot && !dotDot) {
        out.add(s);
      } else if (i == segments.size() - 1) {
        out.add("");
      }
    }
    return out;
  }

  /** Empty segments go, but for a last one (the trailing slash, or the root's only segment). */
  private static List<String> mergeSlashes(List<String> segments) {
    List<String> out = new ArrayList<>(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      String s = segments.get(i);
      if (!s.isEmpty() || i == segments.size() - 1) {
        out.add(s);
      }
    }
    return out;
  }
}
