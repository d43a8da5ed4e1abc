package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.fuzz.Fuzz;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests of scope syntax and matching over seeded generated scopes (see {@link Fuzz}):
 * validation never throws, {@code covers} is reflexive, {@code admin:*} covers everything, {@code
 * r:*} covers exactly r's actions, and {@code missing} agrees with {@code covers}.
 */
class ScopesFuzzTest {
  /** Small name pools, so generated scopes often share a resource or action. */
  private static final String[] RESOURCES = {
    "tasks", "keys", "admin", "a", "tasks.x", "t-1", "task", "tasks_"
  };

  private static final String[] ACTIONS = {"read", "write", "delete", "*", "r", "read.all"};

  private static String scope(Random r) {
    return RESOURCES[r.nextInt(RESOURCES.length)] + ":" + ACTIONS[r.nextInt(ACTIONS.length)];
  }

  private static List<String> scopes(Random r, int max) {
    List<String> out = new ArrayList<>();
    for (int i = r.nextInt(max + 1); i > 0; i--) {
      out.add(scope(r));
    }
    return out;
  }

  private static List<String> validCorpus() {
    return Fuzz.corpus("scopes/seeds.txt").stream()
        .filter(s -> Scopes.validate(s).isEmpty())
        .toList();
  }

  @Test
  void validate_arbitraryInput_neverThrows() {
    Random r = Fuzz.random("validate_arbitraryInput");
    for (String seed : Fuzz.corpus("scopes/seeds.txt")) {
      Scopes.validate(seed);
    }
    for (int n = 0; n < Fuzz.cases(50_000); n++) {
      String input = Fuzz.string(r, "abcz09_.-:*", r.nextInt(10) == 0 ? 200 : 20);
      Optional<String> problem;
      try {
        problem = Scopes.validate(input);
      } catch (RuntimeException e) {
        throw new AssertionError(Fuzz.replay("validate", n, input), e);
      }
      problem.ifPresent(p -> assertTrue(p.length() < 200, "problem texts stay short"));
    }
  }

  @Test
  void covers_reflexiveAndSuperuserCoversAll() {
    Random r = Fuzz.random("covers_reflexive");
    List<String> all = new ArrayList<>(validCorpus());
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      all.add(scope(r));
    }
    for (String s : all) {
      assertTrue(Scopes.validate(s).isEmpty(), s);
      assertTrue(Scopes.covers(s, s), "reflexive: " + s);
      assertTrue(Scopes.covers(Scopes.SUPERUSER, s), "admin:* covers " + s);
    }
  }

  @Test
  void covers_resourceWildcard_coversExactlyThatResourcesActions() {
    Random r = Fuzz.random("covers_wildcard");
    for (int n = 0; n < Fuzz.cases(50_000); n++) {
      String resource = RESOURCES[r.nextInt(RESOURCES.length)];
      String granted = resource + ":*";
      String required = scope(r);
      String requiredResource = required.substring(0, required.indexOf(':'));
      boolean expected = requiredResource.equals(resource) || granted.equals(Scopes.SUPERUSER);
      assertEquals(expected, Scopes.covers(granted, required), granted + " vs " + required);
      // a plain scope covers only itself
      String plain = scope(r);
      if (!plain.endsWith(":*")) {
        assertEquals(
            plain.equals(required), Scopes.covers(plain, required), plain + " vs " + required);
      }
    }
  }

  @Test
  void missing_agreesWithCovers() {
    Random r = Fuzz.random("missing_agrees");
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      List<String> granted = scopes(r, 4);
      List<String> required = scopes(r, 5);
      List<String> expected =
          required.stream()
              .filter(q -> granted.stream().noneMatch(g -> Scopes.covers(g, q)))
              .toList();
      assertEquals(expected, Scopes.missing(granted, required), granted + " / " + required);
      assertEquals(
          expected.isEmpty(), required.stream().allMatch(q -> Scopes.anyCovers(granted, q)));
    }
  }
}
