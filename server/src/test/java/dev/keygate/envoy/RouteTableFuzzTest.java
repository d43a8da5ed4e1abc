package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.fuzz.Fuzz;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the route table over seeded generated patterns and paths (see {@link Fuzz}):
 * parsing fails only with IllegalArgumentException, matching and normalizing never throw, and
 * {@code *} / {@code **} match exactly what a regular-expression model of their documented meaning
 * matches.
 */
class RouteTableFuzzTest {
  private static final String[] LITERALS = {"v1", "tasks", "42", "a", "b", "notes"};
  private static final String PATH_CHARS = "/ab.%2eEfF5c\\?#*-~";

  private static String pathOf(List<String> segments, boolean trailingSlash) {
    String path = "/" + String.join("/", segments);
    return trailingSlash && !segments.isEmpty() ? path + "/" : path;
  }

  /** The documented meaning: literal = that segment, * = one segment, ** = zero or more. */
  private static Pattern model(List<String> pattern) {
    StringBuilder regex = new StringBuilder();
    for (String s : pattern) {
      regex.append(
          switch (s) {
            case "*" -> "/[^/]+";
            case "**" -> "(?:/[^/]+)*";
            default -> "/" + Pattern.quote(s);
          });
    }
    return Pattern.compile(regex.toString());
  }

  private static String normalForModel(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.equals("/") ? "" : p;
  }

  @Test
  void matches_generatedPatternsAndPaths_agreeWithTheModel() {
    Random r = Fuzz.random("matches_model");
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      List<String> pattern = new ArrayList<>();
      boolean any = false;
      for (int i = r.nextInt(5); i > 0; i--) {
        int pick = r.nextInt(LITERALS.length + 2);
        if (pick == LITERALS.length + 1 && !any) {
          pattern.add("**");
          any = true;
        } else if (pick >= LITERALS.length) {
          pattern.add("*");
        } else {
          pattern.add(LITERALS[pick]);
        }
      }
      List<String> segments = new ArrayList<>();
      for (int i = r.nextInt(6); i > 0; i--) {
        segments.add(LITERALS[r.nextInt(LITERALS.length)]);
      }
      String path = pathOf(segments, r.nextInt(4) == 0);
      PathPattern parsed = PathPattern.parse(pathOf(pattern, false));
      boolean expected = model(pattern).matcher(normalForModel(path)).matches();
      assertEquals(
          expected,
          parsed.matches(path),
          () -> Fuzz.replay("matches_model", 0, parsed + " vs " + path));
    }
  }

  @Test
  void parse_arbitraryLines_onlyIllegalArgument() {
    Random r = Fuzz.random("parse_arbitraryLines");
    List<String> lines = new ArrayList<>(Fuzz.corpus("routes/patterns.txt"));
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      lines.add(Fuzz.string(r, "GETPOST*, /abv1*:read\n#", 60));
    }
    int parsed = 0;
    for (int i = 0; i < lines.size(); i++) {
      try {
        RouteTable.parse(lines.get(i));
        parsed++;
      } catch (IllegalArgumentException e) {
        // a clear refusal is the expected outcome for most generated lines
      } catch (RuntimeException e) {
        throw new AssertionError(Fuzz.replay("parse_arbitraryLines", i, lines.get(i)), e);
      }
    }
    assertEquals(true, parsed >= 5, parsed + " lines parsed (the corpus has valid ones)");
  }

  @Test
  void find_arbitraryPaths_neverThrows() {
    RouteTable table =
        RouteTable.parse(
            String.join(
                "\n",
                List.of(
                    "GET,HEAD /v1/tasks/** tasks:read",
                    "DELETE /v1/tasks/* tasks:delete",
                    "* /v1/**/notes/* notes:read",
                    "POST /v1/tasks tasks:write",
                    "* /** deny")));
    Random r = Fuzz.random("find_arbitraryPaths");
    List<String> paths = new ArrayList<>(Fuzz.corpus("routes/paths.txt"));
    for (int n = 0; n < Fuzz.cases(50_000); n++) {
      // also relative and empty paths: Envoy sends none, but find must not trust that
      paths.add(
          (r.nextInt(5) == 0 ? "" : "/")
              + Fuzz.string(r, PATH_CHARS, r.nextInt(20) == 0 ? 5000 : 40));
    }
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      String replay = Fuzz.replay("find_arbitraryPaths", i, path);
      try {
        String normal;
        try {
          normal = PathNormalizer.normalize(path);
        } catch (PathNormalizer.RefusedPathException e) {
          normal = null; // a refusal is an answer: deny, never a fall-through
        }
        for (String method : List.of("GET", "")) {
          Optional<Requirement> found = table.find(method, path);
          if (normal == null) {
            assertEquals(Optional.of(new Requirement.Deny()), found, replay);
          } else {
            // the catch-all matches whatever is left; the normal form is a fixed point and is
            // decided as the raw path is
            assertTrue(found.isPresent(), replay);
            assertEquals(normal, PathNormalizer.normalize(normal), replay);
            assertEquals(table.findNormalized(method, normal), found, replay);
            assertEquals(found, table.find(method, normal), replay);
          }
        }
      } catch (RuntimeException | PathNormalizer.RefusedPathException e) {
        throw new AssertionError(replay, e);
      }
    }
  }
}
