package dev.keygate.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class KeyFormatTest {
  private final KeyFormat format = new KeyFormat("kg", new SecureRandom());

  @Test
  void newSecret_hasDocumentedShapeAndParsesBack() {
    String id = format.newKeyId();
    String secret = format.newSecret(KeyKind.LIVE, id);
    assertTrue(
        secret.matches("kg_live_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}"), secret.length() + " chars");
    assertTrue(secret.startsWith(format.displayPrefix(KeyKind.LIVE, id)));
    ParsedKey parsed = format.parse(secret).orElseThrow();
    assertEquals(id, parsed.keyId());
    assertEquals(KeyKind.LIVE, parsed.kind());
    assertEquals(secret, parsed.secret());
  }

  @Test
  void newSecret_secretPartCarriesAtLeast160Bits() {
    double bits = KeyFormat.SECRET_LENGTH * (Math.log(62) / Math.log(2));
    assertTrue(bits >= 160, "secret part has " + bits + " bits");
  }

  @Test
  void newSecret_isDifferentEveryTime() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertTrue(seen.add(format.newSecret(KeyKind.TEST, "AAAAAAAAAAAA")));
    }
  }

  @Test
  void parse_singleCharacterTypoFailsChecksum() {
    String secret = format.newSecret(KeyKind.LIVE, format.newKeyId());
    int at = 20;
    char replacement = secret.charAt(at) == 'a' ? 'b' : 'a';
    String typo = secret.substring(0, at) + replacement + secret.substring(at + 1);
    assertTrue(format.parse(typo).isEmpty());
  }

  @Test
  void parse_rejectsWrongPrefixKindLengthAndCharacters() {
    String secret = format.newSecret(KeyKind.LIVE, format.newKeyId());
    assertTrue(format.parse(null).isEmpty());
    assertTrue(format.parse("").isEmpty());
    assertTrue(format.parse("xx" + secret.substring(2)).isEmpty());
    assertTrue(format.parse(secret.replace("_live_", "_prod_")).isEmpty());
    assertTrue(format.parse(secret.substring(0, secret.length() - 1)).isEmpty());
    assertTrue(format.parse(secret + "0").isEmpty());
    assertTrue(format.parse(secret.substring(0, 10) + "-" + secret.substring(11)).isEmpty());
    assertTrue(format.parse("x".repeat(10_000)).isEmpty());
    assertTrue(new KeyFormat("other", new SecureRandom()).parse(secret).isEmpty());
  }

  @Test
  void checksum_isFixedWidthBase62() {
    assertEquals(KeyFormat.CHECKSUM_LENGTH, KeyFormat.checksum("").length());
    assertEquals(KeyFormat.CHECKSUM_LENGTH, KeyFormat.checksum("kg_live_x").length());
    assertNotEquals(KeyFormat.checksum("a"), KeyFormat.checksum("b"));
  }

  @Test
  void constructor_rejectsBadPrefix() {
    assertThrows(IllegalArgumentException.class, () -> new KeyFormat("Kg", new SecureRandom()));
    assertThrows(IllegalArgumentException.class, () -> new KeyFormat("k_g", new SecureRandom()));
    assertFalse(KeyFormat.isValidPrefix(""));
  }

  @Test
  void parsedKey_toStringHidesSecret() {
    String secret = format.newSecret(KeyKind.LIVE, format.newKeyId());
    assertFalse(format.parse(secret).orElseThrow().toString().contains(secret));
  }

  @Test
  void newKeyId_carriesItsProjectsClusterSlot() {
    SecureRandom random = new SecureRandom();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String project = "p" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
      String id = format.newKeyId(project);
      assertTrue(id.matches("[0-9A-Za-z]{12}"), id);
      // the slots Redis Cluster gives the record's and the project's hash tags
      assertEquals(
          JedisClusterCRC16.getSlot("kg:proj:{" + project + "}:keys"),
          JedisClusterCRC16.getSlot("kg:key:{" + id + "}"),
          id + " of " + project);
      assertTrue(ids.add(id), "drawn twice: " + id);
    }
  }

  @Test
  void newKeyId_ofOneProjectVaries() {
    Set<String> ids = new HashSet<>();
    Set<Character> first = new HashSet<>();
    Set<String> suffixes = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      String id = format.newKeyId("acme");
      ids.add(id);
      first.add(id.charAt(0));
      suffixes.add(id.substring(9));
    }
    assertEquals(500, ids.size());
    // random prefix, and the suffix is not a fixed function of the slot
    assertTrue(first.size() > 40, first.size() + " first characters");
    assertTrue(suffixes.size() > 100, suffixes.size() + " suffixes");
  }
}
