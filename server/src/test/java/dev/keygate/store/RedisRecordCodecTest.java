package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.KeyUsage;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both record layouts as the codec writes and reads them, without Redis (see OldLayoutTest). */
class RedisRecordCodecTest {
  static final Instant T0 = Instant.parse("2026-11-28T12:00:00.123Z");
  static final String ID = "AbCdEf012345";

  /** A key as a create writes it: a name, one scope, nothing optional. */
  static ApiKeyRecord typical() {
    byte[] digest = new byte[32];
    for (int i = 0; i < digest.length; i++) {
      digest[i] = (byte) (i * 37 + 200); // every bit pattern, high bits included
    }
    return new ApiKeyRecord.Builder()
        .id(ID)
        .project("bench12345")
        .name("bench 123456")
        .scopes(List.of("tasks:read"))
        .kind(KeyKind.LIVE)
        .prefix("kg_live_" + ID)
        .createdAt(T0)
        .updatedAt(T0)
        .digest(digest)
        .version(1)
        .build();
  }

  static Map<String, String> encode(ApiKeyRecord k) {
    List<String> pairs = new ArrayList<>();
    RedisRecordCodec.appendFields(pairs, k);
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < pairs.size(); i += 2) {
      assertNull(h.put(pairs.get(i), pairs.get(i + 1)), "field written twice: " + pairs.get(i));
    }
    return h;
  }

  /** Every component equal (digests by content); usage is not written, so not compared. */
  static void assertSameRecord(ApiKeyRecord expected, ApiKeyRecord actual) {
    for (RecordComponent c : ApiKeyRecord.class.getRecordComponents()) {
      if (c.getName().equals("usage")) {
        continue;
      }
      try {
        Object e = c.getAccessor().invoke(expected);
        Object a = c.getAccessor().invoke(actual);
        if (e instanceof byte[] eb) {
          assertArrayEquals(eb, (byte[]) a, c.getName());
        } else {
          assertEquals(e, a, c.getName());
        }
      } catch (ReflectiveOperationException ex) {
        throw new AssertionError(ex);
      }
    }
  }

  static ApiKeyRecord roundTrip(ApiKeyRecord k) {
    return RedisRecordCodec.decode(k.id(), encode(k)).orElseThrow();
  }

  @Test
  void typicalKey_isThreeShortFields() {
    Map<String, String> h = encode(typical());
    assertEquals(Set.of("ver", "a", "x"), h.keySet());
    // kind letter + 37 digest characters + project + space + scope; creation time + "kg_" + name
    assertEquals(1 + 37 + 10 + 1 + 10, h.get("a").length());
    assertEquals(7 + 3 + 12, h.get("x").length());
    for (String v : h.values()) {
      assertTrue(v.chars().allMatch(c -> c < 0x80), "one UTF-8 byte a character");
    }
    assertSameRecord(typical(), roundTrip(typical()));
  }

  /** Each optional field, set on the typical key: the field it is written to, and a setter. */
  static Stream<Arguments> optionals() {
    Instant later = T0.plusSeconds(3600);
    return Stream.of(
        opt("d", b -> b.description("a description")),
        opt("m", b -> b.metadata(Map.of("team", "pay ments", "env", "prod&test=1"))),
        opt("u", b -> b.updatedAt(later)),
        opt("e", b -> b.expiresAt(later)),
        opt("r", b -> b.revokedAt(later)),
        opt("rr", b -> b.revokeReason("leaked")),
        opt("ph", b -> b.previousDigest(new byte[] {1, 2, 3, (byte) 0xff})),
        opt("pe", b -> b.previousExpiresAt(later)),
        opt("ro", b -> b.rotatedAt(later)),
        opt("rl", b -> b.rateLimit(new RateLimitSpec(100, Duration.ofMinutes(1)))),
        opt(
            "lm",
            b ->
                b.limits(
                    List.of(
                        new KeyLimit(new RateLimitSpec(5, Duration.ofSeconds(1)), LimitScope.LOCAL),
                        new KeyLimit(
                            new RateLimitSpec(1000, Duration.ofHours(1)), LimitScope.GLOBAL)))),
        opt("da", b -> b.disabledAt(later)),
        opt("dr", b -> b.disableReason("paused")),
        opt("ip", b -> b.allowlist(IpAllowlist.decode("10.0.0.0/8 2001:db8::/32"))),
        opt(
            "cr",
            b ->
                b.credits(
                    Optional.of(
                        new Credits(
                            500,
                            Optional.of(new Credits.Refill(100, Credits.Interval.MONTHLY, 3)),
                            2)))));
  }

  private static Arguments opt(String field, UnaryOperator<ApiKeyRecord.Builder> set) {
    return Arguments.of(field, set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionals")
  void eachOptional_present_isItsOwnField_andRoundTrips(
      String field, UnaryOperator<ApiKeyRecord.Builder> set) {
    ApiKeyRecord k = set.apply(typical().toBuilder()).build();
    Map<String, String> h = encode(k);
    assertEquals(Set.of("ver", "a", "x", field), h.keySet());
    assertSameRecord(k, roundTrip(k));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionals")
  void eachOptional_absent_isNoField(String field, UnaryOperator<ApiKeyRecord.Builder> set) {
    assertFalse(encode(typical()).containsKey(field));
    // set, then read back from a hash without it: the typical key again
    Map<String, String> h = encode(set.apply(typical().toBuilder()).build());
    h.remove(field);
    assertSameRecord(typical(), RedisRecordCodec.decode(ID, h).orElseThrow());
  }

  @Test
  void everyOptionalAtOnce_roundTrips() {
    ApiKeyRecord.Builder b = typical().toBuilder();
    optionals().forEach(a -> ((UnaryOperator<ApiKeyRecord.Builder>) a.get()[1]).apply(b));
    ApiKeyRecord k = b.build();
    assertSameRecord(k, roundTrip(k));
  }

  @Test
  void piecesThatWouldOverflowAPackedValue_getTheirOwnField() {
    String longProject = "p".repeat(40);
    List<String> manyScopes = List.of("tasks:read", "tasks:write", "billing:read");
    String longName = "ü".repeat(30); // 60 bytes of UTF-8: with 10 more, x would pass 64
    ApiKeyRecord k =
        typical().toBuilder().project(longProject).scopes(manyScopes).name(longName).build();
    Map<String, String> h = encode(k);
    assertEquals(Set.of("ver", "a", "x", "p", "s", "n"), h.keySet());
    assertSameRecord(k, roundTrip(k));
    for (String v : h.values()) {
      assertTrue(v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 64, v);
    }
    // only the scopes spill: the project stays packed
    ApiKeyRecord scopesOnly = typical().toBuilder().scopes(manyScopes).build();
    assertEquals(Set.of("ver", "a", "x", "s"), encode(scopesOnly).keySet());
    assertSameRecord(scopesOnly, roundTrip(scopesOnly));
    // only the project spills: the scopes stay packed, no space before them
    ApiKeyRecord projectOnly = typical().toBuilder().project("q".repeat(30)).build();
    assertEquals(Set.of("ver", "a", "x", "p"), encode(projectOnly).keySet());
    assertSameRecord(projectOnly, roundTrip(projectOnly));
  }

  @Test
  void whatThePackCannotHold_isItsOwnField() {
    Map<String, ApiKeyRecord> cases = new LinkedHashMap<>();
    cases.put("px", typical().toBuilder().prefix("sk_legacy_42").build()); // an imported key
    cases.put("h", typical().toBuilder().digest(new byte[] {9, 8, 7}).build());
    cases.put("c", typical().toBuilder().createdAt(Instant.ofEpochMilli(1L << 50)).build());
    for (Map.Entry<String, ApiKeyRecord> c : cases.entrySet()) {
      Map<String, String> h = encode(c.getValue());
      assertTrue(h.containsKey(c.getKey()), c.getKey());
      assertSameRecord(c.getValue(), roundTrip(c.getValue()));
    }
    ApiKeyRecord none =
        typical().toBuilder()
            .digest(null)
            .createdAt(null)
            .updatedAt(null)
            .scopes(List.of())
            .project("p 1")
            .build();
    Map<String, String> h = encode(none);
    assertEquals("", h.get("h"));
    assertEquals("", h.get("c"));
    assertEquals("p 1", h.get("p"), "a project with a space is never packed");
    assertSameRecord(none, roundTrip(none));
    ApiKeyRecord test = typical().toBuilder().kind(KeyKind.TEST).prefix("kg_test_" + ID).build();
    assertEquals('t', encode(test).get("a").charAt(0));
    assertSameRecord(test, roundTrip(test));
    ApiKeyRecord otherFormat = typical().toBuilder().prefix("acme2_live_" + ID).build();
    assertFalse(encode(otherFormat).containsKey("px"), "derived from the id: not stored");
    assertSameRecord(otherFormat, roundTrip(otherFormat));
  }

  /** The old layout as records were written before the packed one: every field, "" if absent. */
  static Map<String, String> oldLayout(ApiKeyRecord k) {
    Map<String, String> h = new HashMap<>();
    h.put("p", k.project());
    h.put("n", k.name());
    h.put("d", k.description());
    h.put("m", RedisRecordCodec.encodeMetadata(k.metadata()));
    h.put("s", String.join(" ", k.scopes()));
    h.put("k", k.kind().label());
    h.put("px", k.prefix());
    h.put("c", Long.toString(k.createdAt().toEpochMilli()));
    h.put("u", Long.toString(k.updatedAt().toEpochMilli()));
    h.put("e", k.expiresAt() == null ? "" : Long.toString(k.expiresAt().toEpochMilli()));
    h.put("r", "");
    h.put("rr", "");
    h.put("h", RedisRecordCodec.base64(k.digest()));
    h.put("ph", "");
    h.put("pe", "");
    h.put("ro", "");
    h.put("rl", k.rateLimit() == null ? "" : k.rateLimit().encode());
    h.put("lm", "");
    h.put("ver", Long.toString(k.version()));
    h.put("da", "");
    h.put("dr", "");
    h.put("ip", "");
    h.put("cr", "");
    return h;
  }

  @Test
  void oldLayout_isRead() {
    ApiKeyRecord k =
        typical().toBuilder()
            .description("old")
            .metadata(Map.of("team", "payments"))
            .scopes(List.of("tasks:read", "tasks:write"))
            .expiresAt(T0.plusSeconds(60))
            .rateLimit(new RateLimitSpec(100, Duration.ofMinutes(1)))
            .updatedAt(T0.plusSeconds(5))
            .version(7)
            .build();
    Map<String, String> h = oldLayout(k);
    assertFalse(RedisRecordCodec.isPacked(h));
    assertSameRecord(k, RedisRecordCodec.decode(ID, h).orElseThrow());
    h.putAll(Map.of("ut", "12", "ud", "20785", "un", "3", "lu", "1795000000000"));
    // an imported key: a test key with its old system's display prefix, read as stored
    ApiKeyRecord imported = k.toBuilder().kind(KeyKind.TEST).prefix("sk_test_4eC39HqLyjWD").build();
    assertSameRecord(imported, RedisRecordCodec.decode(ID, oldLayout(imported)).orElseThrow());
    assertEquals("sk_test_4eC39HqLyjWD", encode(imported).get("px"), "and written so again");
    KeyUsage usage = RedisRecordCodec.decode(ID, h).orElseThrow().usage();
    assertEquals(
        new KeyUsage(12, LocalDate.ofEpochDay(20785), 3, Instant.ofEpochMilli(1795000000000L)),
        usage);
  }

  @Test
  void hashesThatAreNotRecords_decodeEmpty() {
    assertTrue(RedisRecordCodec.decode(ID, null).isEmpty());
    assertTrue(RedisRecordCodec.decode(ID, Map.of()).isEmpty());
    assertTrue(RedisRecordCodec.decode(ID, Map.of("ut", "3", "lu", "5")).isEmpty());
    Map<String, String> noVersion = encode(typical());
    noVersion.remove("ver");
    assertTrue(RedisRecordCodec.decode(ID, noVersion).isEmpty());
    assertTrue(RedisRecordCodec.decode(ID, Map.of("ver", "1", "x", "y")).isEmpty());
  }

  @Test
  void malformedPackedRecords_failClearly_withoutTheirValues() {
    Map<String, String> good = encode(typical());
    String a = good.get("a");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("no valid kind", "q" + a.substring(1));
    cases.put("digest cut short", a.substring(0, 20));
    cases.put(
        "digest: 7-bit text has a character above U+007F",
        a.substring(0, 5) + "é" + a.substring(6));
    cases.put("empty a", "");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Map<String, String> h = new HashMap<>(good);
      h.put("a", c.getValue());
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> RedisRecordCodec.decode(ID, h));
      assertEquals("key " + ID + " has a malformed packed record: " + c.getKey(), e.getMessage());
    }
    Map<String, String> h = new HashMap<>(good);
    h.put("x", good.get("x").substring(0, 7) + "KG_" + "name");
    assertThrows(IllegalStateException.class, () -> RedisRecordCodec.decode(ID, h));
    h.put("x", "short");
    assertThrows(IllegalStateException.class, () -> RedisRecordCodec.decode(ID, h));
    h.put("x", good.get("x"));
    h.put("p", "both");
    h.put("s", "packed:and own");
    assertThrows(IllegalStateException.class, () -> RedisRecordCodec.decode(ID, h));
  }

  @Test
  void randomShapes_roundTrip_andNoPackedValuePasses64Bytes() {
    java.util.Random random = new java.util.Random(42);
    String[] names = {"", "x", "bench 1", "ünïcødé naming 🔑", "n".repeat(50), "ü".repeat(40)};
    for (int i = 0; i < 2_000; i++) {
      List<String> scopes = new ArrayList<>();
      for (int s = random.nextInt(5); s > 0; s--) {
        scopes.add("scope" + random.nextInt(1000) + ":" + "r".repeat(random.nextInt(12)));
      }
      ApiKeyRecord k =
          typical().toBuilder()
              .project("p".repeat(1 + random.nextInt(64)))
              .scopes(scopes)
              .name(names[random.nextInt(names.length)] + random.nextInt(100))
              .createdAt(T0.plusMillis(random.nextLong() >>> 20))
              .kind(random.nextBoolean() ? KeyKind.LIVE : KeyKind.TEST)
              .build();
      k = k.toBuilder().prefix("kg_" + k.kind().label() + "_" + ID).build();
      Map<String, String> h = encode(k);
      for (String field : List.of("a", "x")) {
        int bytes = h.get(field).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 64, field + " of " + bytes + " bytes");
      }
      assertSameRecord(k, RedisRecordCodec.decode(ID, h).orElseThrow());
    }
  }

  @Test
  void packedValues_fillUpTo64Bytes_countingUtf8Bytes() {
    // x is 7 time characters + "kg_" + the name: a name of 54 bytes fills it to 64 exactly
    String[] fills = {
      "n".repeat(53) + "\u007f", // 1-byte characters, the highest
      "ü".repeat(25) + "\u0080" + "\u07ff", // 2 bytes each, the lowest and the highest
      "€".repeat(17) + "\u0800", // 3 bytes each, the lowest is U+0800
      "🔑".repeat(13) + "ab" // 4 bytes each (a surrogate pair)
    };
    for (String name : fills) {
      assertEquals(54, name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, name);
      ApiKeyRecord fits = typical().toBuilder().name(name).build();
      assertFalse(encode(fits).containsKey("n"), "64 bytes fit: " + name);
      assertSameRecord(fits, roundTrip(fits));
      ApiKeyRecord over = typical().toBuilder().name(name + "x").build();
      assertTrue(encode(over).containsKey("n"), "65 bytes do not: " + name);
      assertSameRecord(over, roundTrip(over));
    }
  }

  @Test
  void edgesOfThePack_roundTrip() {
    // the creation time's range: -2^48 and 2^48 - 1 ms are packed, 2^48 is not
    for (long millis : new long[] {-(1L << 48), (1L << 48) - 1, 1L << 48, -(1L << 48) - 1}) {
      ApiKeyRecord k = typical().toBuilder().createdAt(Instant.ofEpochMilli(millis)).build();
      boolean packed = millis >= -(1L << 48) && millis < 1L << 48;
      assertEquals(!packed, encode(k).containsKey("c"), Long.toString(millis));
      assertSameRecord(k, roundTrip(k));
    }
    // a project starting with a space, an empty project before scopes, x of the time alone
    ApiKeyRecord leadingSpace = typical().toBuilder().project(" lead").build();
    assertEquals(" lead", encode(leadingSpace).get("p"));
    assertSameRecord(leadingSpace, roundTrip(leadingSpace));
    ApiKeyRecord emptyProject = typical().toBuilder().project("").build();
    assertFalse(encode(emptyProject).containsKey("p"));
    assertSameRecord(emptyProject, roundTrip(emptyProject));
    ApiKeyRecord timeOnly = typical().toBuilder().prefix("sk_imported").name("").build();
    assertEquals(7, encode(timeOnly).get("x").length());
    assertSameRecord(timeOnly, roundTrip(timeOnly));
    // metadata with an empty key or value
    ApiKeyRecord metadata = typical().toBuilder().metadata(Map.of("", "v", "k", "")).build();
    assertSameRecord(metadata, roundTrip(metadata));
  }

  @Test
  void isPacked_activeScore_andAnOldRecordsBadKind() {
    assertTrue(RedisRecordCodec.isPacked(encode(typical())));
    assertFalse(RedisRecordCodec.isPacked(null));
    assertFalse(RedisRecordCodec.isPacked(Map.of("a", "l")), "no version: no record");
    assertFalse(RedisRecordCodec.isPacked(oldLayout(typical())));
    assertEquals("+inf", RedisRecordCodec.activeScore(typical()));
    Instant expiry = T0.plusSeconds(60);
    assertEquals(
        Long.toString(expiry.toEpochMilli()),
        RedisRecordCodec.activeScore(typical().toBuilder().expiresAt(expiry).build()));
    assertEquals("", RedisRecordCodec.activeScore(typical().toBuilder().revokedAt(T0).build()));
    Map<String, String> old = oldLayout(typical());
    old.put("k", "neither");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RedisRecordCodec.decode(ID, old));
    assertEquals("key " + ID + " has no valid kind", e.getMessage());
  }

  @Test
  void digestsOfEveryByteValue_roundTrip() {
    java.util.Random random = new java.util.Random(17);
    for (int i = 0; i < 200; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      ApiKeyRecord k = typical().toBuilder().digest(digest).build();
      assertTrue(Arrays.equals(digest, roundTrip(k).digest()));
    }
  }
}
