package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The packed core of a record ({@link RedisRecordCodec} has the whole layout): what every key has,
 * in two values instead of ten fields, because each field of a listpack-encoded HASH costs its name
 * and two bytes of framing, and Redis rounds the listpack up to the allocator's next size class.
 *
 * <ul>
 *   <li>{@code a}, what a decision reads: the kind's first letter ({@code l}/{@code t}), the
 *       32-byte digest as 37 {@link SevenBitText} characters, the project, a space, the scopes
 *       (space-separated).
 *   <li>{@code x}, what only admin reads need: the creation time (epoch millis + 2^48 as 7 {@link
 *       SevenBitText} characters), the key format's prefix and {@code _} (the display prefix is
 *       {@code <format>_<kind>_<id>}, so only the format is stored), the name.
 * </ul>
 *
 * <p>A value in its own field wins over the pack: a piece that would take a packed value past
 * {@value #VALUE_LIMIT} bytes (Redis' default {@code hash-max-listpack-value}; one longer value
 * turns the whole hash into a far bigger hashtable) is written as its own field, as in the old
 * layout, and left out of the pack: {@code p} project, {@code s} scopes, {@code n} name. So is what
 * the pack cannot hold: {@code h} a digest that is not 32 bytes (base64url, "" = none), {@code px}
 * a display prefix not derived from the id (an imported key's), {@code c} a creation time outside
 * ±2^48 ms or none (decimal, "" = none). The reader takes each piece from its own field when there
 * is one, else from the pack, in the order above.
 */
final class PackedRecordLayout {
  /** Redis' default {@code hash-max-listpack-value}: the longest value a listpack hash keeps. */
  static final int VALUE_LIMIT = 64;

  static final int DIGEST_BYTES = 32;
  static final int TIME_CHARS = 7;

  private static final int DIGEST_CHARS = SevenBitText.length(DIGEST_BYTES);
  private static final long TIME_OFFSET = 1L << 48;

  private PackedRecordLayout() {}

  /** What every record has: the pieces the packed values hold. */
  record Core(
      String project,
      KeyKind kind,
      byte[] digest,
      List<String> scopes,
      String name,
      String prefix,
      Instant createdAt) {}

  /** Appends {@code a}, {@code x} and the pieces that did not fit them as field/value pairs. */
  static void append(List<String> out, ApiKeyRecord k) {
    StringBuilder a = new StringBuilder(VALUE_LIMIT).append(kindLetter(k.kind()));
    byte[] digest = k.digest();
    if (digest != null && digest.length == DIGEST_BYTES) {
      a.append(SevenBitText.encode(digest));
    } else {
      out.addAll(List.of("h", RedisRecordCodec.base64(digest)));
    }
    String project = k.project();
    // a space would end the project early when read back; validation never lets one through
    boolean projectPacked = project.indexOf(' ') < 0 && fits(a, project);
    if (projectPacked) {
      a.append(project);
    } else {
      out.addAll(List.of("p", project));
    }
    String scopes = String.join(" ", k.scopes());
    String scopesPart = projectPacked && !scopes.isEmpty() ? " " + scopes : scopes;
    if (fits(a, scopesPart)) {
      a.append(scopesPart);
    } else {
      out.addAll(List.of("s", scopes));
    }

    StringBuilder x = new StringBuilder(VALUE_LIMIT);
    Instant created = k.createdAt();
    long millis = created == null ? 0 : created.toEpochMilli();
    if (created != null && millis >= -TIME_OFFSET && millis < TIME_OFFSET) {
      x.append(SevenBitText.encodeUnsigned(millis + TIME_OFFSET, TIME_CHARS));
    } else {
      out.addAll(List.of("c", created == null ? "" : Long.toString(millis)));
    }
    String format = derivedFormat(k);
    if (format != null) {
      x.append(format).append('_');
    } else {
      out.addAll(List.of("px", k.prefix()));
    }
    if (fits(x, k.name())) {
      x.append(k.name());
    } else {
      out.addAll(List.of("n", k.name()));
    }
    out.addAll(List.of("a", a.toString(), "x", x.toString()));
  }

  /**
   * The core of the packed record {@code h} (which has {@code a}).
   *
   * @throws IllegalStateException if the packed values are malformed (the message names the key and
   *     the fault, never a value)
   */
  static Core read(String id, Map<String, String> h) {
    String a = h.get("a");
    if (a.isEmpty()) {
      throw malformed(id, "empty a");
    }
    KeyKind kind = kindOf(a.charAt(0));
    if (kind == null) {
      throw malformed(id, "no valid kind");
    }
    int pos = 1;
    byte[] digest;
    if (h.containsKey("h")) {
      digest = RedisRecordCodec.base64(h.get("h"));
    } else if (a.length() < pos + DIGEST_CHARS) {
      throw malformed(id, "digest cut short");
    } else {
      digest = sevenBit(id, a.substring(pos, pos + DIGEST_CHARS));
      pos += DIGEST_CHARS;
    }
    String rest = a.substring(pos);
    String project = h.get("p");
    String scopes = h.get("s");
    if (project == null && scopes == null) {
      int space = rest.indexOf(' ');
      project = space < 0 ? rest : rest.substring(0, space);
      scopes = space < 0 ? "" : rest.substring(space + 1);
    } else if (project == null) {
      project = rest;
    } else if (scopes == null) {
      scopes = rest;
    } else if (!rest.isEmpty()) {
      throw malformed(id, "a has more than its pieces");
    }

    String x = h.getOrDefault("x", "");
    pos = 0;
    Instant created;
    if (h.containsKey("c")) {
      created = RedisRecordCodec.instant(h.get("c"));
    } else if (x.length() < TIME_CHARS) {
      throw malformed(id, "creation time cut short");
    } else {
      created = Instant.ofEpochMilli(sevenBitTime(id, x) - TIME_OFFSET);
      pos = TIME_CHARS;
    }
    String prefix = h.get("px");
    if (prefix == null) {
      int end = x.indexOf('_', pos);
      String format = end < 0 ? "" : x.substring(pos, end);
      if (!KeyFormat.isValidPrefix(format)) {
        throw malformed(id, "no valid key format prefix");
      }
      prefix = format + "_" + kind.label() + "_" + id;
      pos = end + 1;
    }
    String name = h.get("n");
    if (name == null) {
      name = x.substring(pos);
    } else if (pos != x.length()) {
      throw malformed(id, "x has more than its pieces");
    }
    return new Core(
        project,
        kind,
        digest,
        scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")),
        name,
        prefix,
        created);
  }

  /** The key format of a display prefix {@code <format>_<kind>_<id>}; null for any other. */
  private static String derivedFormat(ApiKeyRecord k) {
    String tail = "_" + k.kind().label() + "_" + k.id();
    String prefix = k.prefix();
    if (prefix == null || !prefix.endsWith(tail)) {
      return null;
    }
    String format = prefix.substring(0, prefix.length() - tail.length());
    return KeyFormat.isValidPrefix(format) ? format : null;
  }

  private static char kindLetter(KeyKind kind) {
    return kind.label().charAt(0);
  }

  private static KeyKind kindOf(char letter) {
    for (KeyKind kind : KeyKind.values()) {
      if (kindLetter(kind) == letter) {
        return kind;
      }
    }
    return null;
  }

  static {
    // the kind is stored as its first letter: two kinds must not share one
    for (KeyKind kind : KeyKind.values()) {
      if (kindOf(kindLetter(kind)) != kind) {
        throw new ExceptionInInitializerError("key kinds share a first letter: " + kind);
      }
    }
  }

  /** True if {@code piece} can be added to {@code packed} within {@value #VALUE_LIMIT} bytes. */
  private static boolean fits(CharSequence packed, String piece) {
    return utf8Length(packed) + utf8Length(piece) <= VALUE_LIMIT;
  }

  private static int utf8Length(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static byte[] sevenBit(String id, String text) {
    try {
      return SevenBitText.decode(text, DIGEST_BYTES);
    } catch (IllegalArgumentException e) {
      throw malformed(id, "digest: " + e.getMessage());
    }
  }

  private static long sevenBitTime(String id, String x) {
    try {
      return SevenBitText.decodeUnsigned(x, 0, TIME_CHARS);
    } catch (IllegalArgumentException e) {
      throw malformed(id, "creation time: " + e.getMessage());
    }
  }

  private static IllegalStateException malformed(String id, String fault) {
    return new IllegalStateException("key " + id + " has a malformed packed record: " + fault);
  }
}
