package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keygate.fuzz.Fuzz;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the key parser and checksum over seeded generated inputs (see {@link Fuzz}): it
 * never throws, every generated key parses back to its id and kind, and every single-character
 * change of a valid key is rejected.
 */
class KeyFormatFuzzTest {
  private static final String KEY_CHARS = Base62Alphabet.CHARS + "_";
  private static final String MUTATIONS = Base62Alphabet.CHARS + "_-. \t/+=\0Ä";

  private final KeyFormat format = new KeyFormat("kg", new SecureRandom());

  /** A key as keygate issues it, drawn from a seeded generator (not SecureRandom). */
  private static String key(Random r, KeyFormat format, KeyKind kind) {
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < KeyFormat.ID_LENGTH; i++) {
      id.append(Base62Alphabet.CHARS.charAt(r.nextInt(62)));
    }
    StringBuilder body = new StringBuilder(format.displayPrefix(kind, id.toString()));
    for (int i = 0; i < KeyFormat.SECRET_LENGTH; i++) {
      body.append(Base62Alphabet.CHARS.charAt(r.nextInt(62)));
    }
    return body + "_" + KeyFormat.checksum(body.toString());
  }

  private Optional<ParsedKey> parse(String property, int index, String input) {
    try {
      return format.parse(input);
    } catch (RuntimeException e) {
      throw new AssertionError(Fuzz.replay(property, index, input), e);
    }
  }

  @Test
  void parse_arbitraryInput_neverThrows() {
    Random r = Fuzz.random("parse_arbitraryInput");
    int i = 0;
    for (String seed : Fuzz.corpus("key-format/seeds.txt")) {
      parse("corpus", i++, seed);
    }
    for (int n = 0; n < Fuzz.cases(50_000); n++) {
      String input =
          switch (r.nextInt(3)) {
            case 0 -> Fuzz.string(r, KEY_CHARS, 80);
            case 1 -> "kg_" + (r.nextBoolean() ? "live_" : "test_") + Fuzz.string(r, KEY_CHARS, 60);
            default -> Fuzz.string(r, KEY_CHARS, 400);
          };
      parse("parse_arbitraryInput", n, input);
    }
  }

  @Test
  void parse_generatedKeys_roundTrip() {
    Random r = Fuzz.random("parse_generatedKeys");
    for (int n = 0; n < Fuzz.cases(20_000); n++) {
      KeyKind kind = r.nextBoolean() ? KeyKind.LIVE : KeyKind.TEST;
      String key = key(r, format, kind);
      ParsedKey parsed =
          parse("roundTrip", n, key)
              .orElseThrow(() -> new AssertionError("rejected a valid key: " + key));
      assertEquals(kind, parsed.kind());
      assertEquals(key.substring(8, 8 + KeyFormat.ID_LENGTH), parsed.keyId());
    }
  }

  @Test
  void parse_everySingleCharacterChange_rejected() {
    Random r = Fuzz.random("parse_singleCharacterChange");
    int checked = 0;
    for (int n = 0; n < Fuzz.cases(60); n++) {
      String key = key(r, format, r.nextBoolean() ? KeyKind.LIVE : KeyKind.TEST);
      assertTrue(format.parse(key).isPresent());
      for (int pos = 0; pos < key.length(); pos++) {
        for (int c = 0; c < MUTATIONS.length(); c++) {
          char replacement = MUTATIONS.charAt(c);
          if (replacement == key.charAt(pos)) {
            continue;
          }
          String mutated = key.substring(0, pos) + replacement + key.substring(pos + 1);
          if (parse("singleCharacterChange", n, mutated).isPresent()) {
            fail(Fuzz.replay("singleCharacterChange", n, mutated) + " was accepted");
          }
          checked++;
        }
        // deleting or doubling the character is rejected too
        assertTrue(format.parse(key.substring(0, pos) + key.substring(pos + 1)).isEmpty());
        assertTrue(format.parse(key.substring(0, pos + 1) + key.substring(pos)).isEmpty());
      }
    }
    assertTrue(checked > 100_000, checked + " mutations checked");
  }

  /** The base62 digits in keygate's order, as the generator draws them. */
  private static final class Base62Alphabet {
    static final String CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  }
}
