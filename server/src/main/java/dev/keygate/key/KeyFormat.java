package dev.keygate.key;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The key format {@code <prefix>_<live|test>_<random>_<checksum>}.
 *
 * <p>{@code random} is 40 base62 characters: the first {@value #ID_LENGTH} are the key's public id
 * (the store lookup key, shown to humans as part of the prefix), the other {@value #SECRET_LENGTH}
 * (~166 bits from {@link SecureRandom}) are the secret part. {@code checksum} is the CRC32 of
 * everything before the last underscore, as {@value #CHECKSUM_LENGTH} base62 digits, so typos and
 * truncations are rejected without a store lookup and secret scanners can recognise keys.
 */
public final class KeyFormat {
  public static final int ID_LENGTH = 12;
  public static final int SECRET_LENGTH = 28;
  public static final int CHECKSUM_LENGTH = 6;

  /** Longest key accepted for parsing; anything longer is malformed without further work. */
  public static final int MAX_KEY_LENGTH = 128;

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,15}");

  private final String prefix;
  private final SecureRandom random;

  public KeyFormat(String prefix, SecureRandom random) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("key prefix must match " + PREFIX.pattern());
    }
    this.prefix = prefix;
    this.random = random;
  }

  /** True if {@code prefix} is a valid key prefix. */
  public static boolean isValidPrefix(String prefix) {
    return prefix != null && PREFIX.matcher(prefix).matches();
  }

  public String prefix() {
    return prefix;
  }

  /**
   * A fresh random key id, for keys whose project is not known (imports of foreign ids, tools). A
   * key of a project gets {@link #newKeyId(String)}.
   */
  public String newKeyId() {
    return Base62.random(random, ID_LENGTH);
  }

  /**
   * A fresh random key id in {@code project}'s Redis Cluster slot (see {@link ClusterSlots}), so
   * the key's record and its project's indexes and audit trail can change in one atomic script.
   * About 56 random bits: ids are public and unique by a check at create, not by chance alone.
   */
  public String newKeyId(String project) {
    return ClusterSlots.idInSlot(random, ClusterSlots.slot(project));
  }

  /** A new full secret for the given key id. */
  public String newSecret(KeyKind kind, String keyId) {
    String body = displayPrefix(kind, keyId) + Base62.random(random, SECRET_LENGTH);
    return body + "_" + checksum(body);
  }

  /** The non-secret start of a key, safe to show: {@code kg_live_<id>}. */
  public String displayPrefix(KeyKind kind, String keyId) {
    return prefix + "_" + kind.label() + "_" + keyId;
  }

  /**
   * Parses a presented key. Empty when it is not a well-formed key of this prefix or its checksum
   * does not match.
   */
  public Optional<ParsedKey> parse(String presented) {
    if (presented == null || presented.length() > MAX_KEY_LENGTH) {
      return Optional.empty();
    }
    int expected = prefix.length() + 1 + 4 + 1 + ID_LENGTH + SECRET_LENGTH + 1 + CHECKSUM_LENGTH;
    if (presented.length() != expected || !presented.startsWith(prefix + "_")) {
      return Optional.empty();
    }
    int kindStart = prefix.length() + 1;
    Optional<KeyKind> kind =
        KeyKind.fromLabel(presented.substring(kindStart, kindStart + 4))
            .filter(k -> presented.startsWith(k.label(), kindStart));
    int randomStart = kindStart + 5;
    int checksumStart = presented.length() - CHECKSUM_LENGTH;
    if (kind.isEmpty()
        || presented.charAt(randomStart - 1) != '_'
        || presented.charAt(checksumStart - 1) != '_'
        || !Base62.isBase62(presented.subSequence(randomStart, checksumStart - 1))
        || !Base62.isBase62(presented.subSequence(checksumStart, presented.length()))) {
      return Optional.empty();
    }
    String body = presented.substring(0, checksumStart - 1);
    if (!checksum(body).equals(presented.substring(checksumStart))) {
      return Optional.empty();
    }
    String keyId = presented.substring(randomStart, randomStart + ID_LENGTH);
    return Optional.of(new ParsedKey(presented, kind.get(), keyId));
  }

  static String checksum(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    return Base62.encodeFixed(crc.getValue(), CHECKSUM_LENGTH);
  }
}
