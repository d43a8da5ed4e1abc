package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.fuzz.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link PathNormalizer} against a small independent model of the rules (see {@link Fuzz}): the
 * model works on strings with regular expressions and RFC 3986's own remove_dot_segments loop,
 * where the normalizer scans characters and resolves segment lists. Both must agree on every corpus
 * line (whose expected column pins them both) and every generated path.
 */
class PathNormalizerFuzzTest {
  private static final String REFUSED = "REFUSED";

  /** Biased toward what matters: dots, slashes, escapes of . / \ a, parameters. */
  private static final String[] PIECES = {
    "/", "/", "/", ".", ".", "..", "a", "b", "admin", "%2e", "%2E", "%61", "%2f", "%5C", "%3b",
    "%25", "%7e", "%4", "%", ";", ";x=1", "\\", "?", "#", " ", "~", "%00", "%c3%a9", "é", "%Zz",
    "*", "-", "_", "\t"
  };

  // ---- the model ----

  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
  private static final Pattern REFUSED_ESCAPE =
      Pattern.compile("%(?:2[fF]|5[cC]|[01][0-9A-Fa-f]|7[fF])");
  private static final Pattern ESCAPE = Pattern.compile("%([0-9A-Fa-f]{2})");
  private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9\\-._~]");
  private static final Pattern KEEP_RAW = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]");

  /** The rules, written out another way: the normal form, or {@link #REFUSED}. */
  static String model(String raw) {
    String p = raw.split("[?#]", 2)[0];
    if (!p.startsWith("/")
        || p.contains("\\")
        || CONTROL.matcher(p).find()
        || BAD_ESCAPE.matcher(p).find()
        || REFUSED_ESCAPE.matcher(p).find()) {
      return REFUSED;
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (Character.isHighSurrogate(c)
          && (i + 1 == p.length() || !Character.isLowSurrogate(p.charAt(i + 1)))) {
        return REFUSED;
      }
      if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(p.charAt(i - 1)))) {
        return REFUSED;
      }
    }
    // decode unreserved escapes, upper-case the others
    Matcher m = ESCAPE.matcher(p);
    StringBuilder decoded = new StringBuilder();
    while (m.find()) {
      String c = String.valueOf((char) Integer.parseInt(m.group(1), 16));
      m.appendReplacement(
          decoded,
          Matcher.quoteReplacement(
              UNRESERVED.matcher(c).matches() ? c : "%" + m.group(1).toUpperCase(Locale.ROOT)));
    }
    m.appendTail(decoded);
    // percent-encode what a path cannot hold raw (every % left begins a valid escape)
    StringBuilder encoded = new StringBuilder();
    decoded
        .codePoints()
        .forEach(
            cp -> {
              String s = new String(Character.toChars(cp));
              if (KEEP_RAW.matcher(s).matches()) {
                encoded.append(s);
              } else {
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                  encoded.append(String.format("%%%02X", b & 0xff));
                }
              }
            });
    String noParams = encoded.toString().replaceAll(";[^/]*", "");
    String envoy = mergeSlashes(removeDotSegments(noParams));
    String slashesFirst = removeDotSegments(mergeSlashes(noParams));
    return envoy.equals(slashesFirst) ? envoy : REFUSED;
  }

  private static String mergeSlashes(String path) {
    return path.replaceAll("/{2,}", "/");
  }

  /** RFC 3986 section 5.2.4, as written there (for an absolute path). */
  private static String removeDotSegments(String path) {
    String in = path;
    StringBuilder out = new StringBuilder();
    while (!in.isEmpty()) {
      if (in.startsWith("/./")) {
        in = in.substring(2);
      } else if (in.equals("/.")) {
        in = "/";
      } else if (in.startsWith("/../")) {
        in = in.substring(3);
        out.setLength(Math.max(out.lastIndexOf("/"), 0));
      } else if (in.equals("/..")) {
        in = "/";
        out.setLength(Math.max(out.lastIndexOf("/"), 0));
      } else {
        int next = in.indexOf('/', 1);
        String segment = next < 0 ? in : in.substring(0, next);
        out.append(segment);
        in = in.substring(segment.length());
      }
    }
    return out.toString();
  }

  private static String normalize(String path) {
    try {
      return PathNormalizer.normalize(path);
    } catch (PathNormalizer.RefusedPathException e) {
      return REFUSED;
    }
  }

  private static String generate(Random r) {
    StringBuilder b = new StringBuilder(r.nextInt(8) == 0 ? "" : "/");
    for (int i = r.nextInt(12); i > 0; i--) {
      b.append(
          r.nextInt(20) == 0
              ? Fuzz.string(r, "/.%2eEfF5c;a", 3)
              : PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  private static final String[] DETOURS = {"/x", "/..", "/%2e%2e", "/.", "/..;", "/", "/x;y=1"};
  private static final String[] ADMIN = {"/admin", "/%61dmin", "/ad%6Din;p", "/%41dmin", "/admin/"};

  /** Half the time a detour then a spelling of /admin, then anything: the deny rule's cases. */
  private static String generateNearAdmin(Random r) {
    if (r.nextBoolean()) {
      return generate(r);
    }
    StringBuilder b = new StringBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      b.append(DETOURS[r.nextInt(DETOURS.length)]);
    }
    b.append(ADMIN[r.nextInt(ADMIN.length)]);
    return b.append(generate(r)).toString();
  }

  // ---- the properties ----

  @Test
  void normalize_corpus_bothGiveTheExpectedForm() {
    List<String> lines = Fuzz.corpus("paths/normalize.txt");
    assertTrue(lines.size() >= 30, "corpus lines: " + lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int tab = line.lastIndexOf('\t');
      String path = line.substring(0, tab);
      String expected = line.substring(tab + 1);
      int n = i;
      assertEquals(
          expected, model(path), () -> "model: " + Fuzz.replay("normalize_corpus", n, path));
      assertEquals(expected, normalize(path), () -> Fuzz.replay("normalize_corpus", n, path));
    }
  }

  @Test
  void normalize_generatedPaths_agreeWithTheModel() {
    Random r = Fuzz.random("normalize_model");
    int refused = 0;
    int changed = 0;
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      String path = generate(r);
      String expected = model(path);
      String actual = normalize(path);
      int i = n;
      assertEquals(expected, actual, () -> Fuzz.replay("normalize_model", i, path));
      refused += actual.equals(REFUSED) ? 1 : 0;
      changed += !actual.equals(REFUSED) && !actual.equals(path) ? 1 : 0;
    }
    // the generator reaches both outcomes, or the agreement above proves little
    assertTrue(refused > 1_000, "refused: " + refused);
    assertTrue(changed > 1_000, "normalized to another form: " + changed);
  }

  @Test
  void normalize_generatedPaths_normalFormIsAFixedPointWithNothingLeftToResolve() {
    Random r = Fuzz.random("normalize_fixedPoint");
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      String path = generate(r);
      String normal = normalize(path);
      if (normal.equals(REFUSED)) {
        continue;
      }
      int i = n;
      assertEquals(normal, normalize(normal), () -> Fuzz.replay("normalize_fixedPoint", i, path));
      assertTrue(normal.startsWith("/"), normal);
      assertFalse(normal.contains("//"), normal);
      assertFalse(normal.contains(";"), normal);
      for (String segment : normal.split("/")) {
        assertFalse(segment.equals(".") || segment.equals(".."), normal);
      }
      Matcher escapes = Pattern.compile("%(..)").matcher(normal);
      while (escapes.find()) {
        String hex = escapes.group(1);
        assertEquals(hex.toUpperCase(Locale.ROOT), hex, normal);
        String c = String.valueOf((char) Integer.parseInt(hex, 16));
        assertFalse(UNRESERVED.matcher(c).matches(), "unreserved left encoded: " + normal);
      }
    }
  }

  @Test
  void find_generatedPaths_denyRuleMeetsEveryPathThatNormalizesUnderIt() {
    RouteTable table = RouteTable.parse("* /admin/** deny\nGET /** any-key");
    Random r = Fuzz.random("find_denyRule");
    int underAdmin = 0;
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      String path = generateNearAdmin(r);
      String expected = model(path);
      boolean deny =
          expected.equals(REFUSED) || expected.equals("/admin") || expected.startsWith("/admin/");
      underAdmin += deny && !expected.equals(REFUSED) && !path.startsWith("/admin") ? 1 : 0;
      int i = n;
      assertEquals(
          deny ? "deny" : "any-key",
          table.find("GET", path).orElseThrow().toString(),
          () -> Fuzz.replay("find_denyRule", i, path));
    }
    assertTrue(underAdmin > 100, "spellings of /admin that do not start with it: " + underAdmin);
  }
}
