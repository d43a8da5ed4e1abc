package dev.keygate.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded input generation for the property tests: the same seed gives the same cases, so a failure
 * names its seed and case and replays exactly. Set {@code -Dkeygate.fuzz.seed=<n>} to explore other
 * inputs and {@code -Dkeygate.fuzz.cases=<n>} to run more of them.
 */
public final class Fuzz {
  /** The seed of this run: fixed unless overridden, so CI is reproducible. */
  public static final long SEED = Long.getLong("keygate.fuzz.seed", 0x6b657967617465L);

  private Fuzz() {}

  /** Cases per property: the default unless {@code keygate.fuzz.cases} says otherwise. */
  public static int cases(int fallback) {
    return Integer.getInteger("keygate.fuzz.cases", fallback);
  }

  /** A generator for one property, seeded from the run's seed and the property's name. */
  public static Random random(String property) {
    return new Random(SEED ^ property.hashCode());
  }

  /** The non-blank, non-comment lines of a corpus file under {@code fuzz/} on the classpath. */
  public static List<String> corpus(String resource) {
    try (InputStream in = Fuzz.class.getResourceAsStream("/fuzz/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing corpus fuzz/" + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.replace("\\t", "\t").replace("\\0", "\0"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A random string: often from {@code alphabet}, sometimes any char (controls, surrogates). */
  public static String string(Random r, String alphabet, int maxLength) {
    int n = r.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(
          r.nextInt(10) == 0
              ? (char) r.nextInt(Character.MAX_VALUE + 1)
              : alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** Describes a failing case so it can be replayed and added to the corpus. */
  public static String replay(String property, int index, String input) {
    return property
        + " failed on case "
        + index
        + " (seed "
        + SEED
        + "): "
        + input
            .codePoints()
            .limit(300)
            .collect(
                StringBuilder::new,
                (b, c) -> b.append(c < 32 || c > 126 ? String.format("\\u%04x", c) : (char) c),
                StringBuilder::append);
  }
}
