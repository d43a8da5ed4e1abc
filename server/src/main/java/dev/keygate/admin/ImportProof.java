package dev.keygate.admin;

import dev.keygate.imports.ImportIndex.DigestKind;
import dev.keygate.imports.ImportSettings;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.ParsedKey;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an imported key will be proven by: the digest stored on it, and how it is found. Holds a
 * digest, never the secret.
 *
 * @param keyId the id a keygate-format secret embeds; empty for a foreign one
 * @param kind the key's kind (a keygate-format secret's own)
 * @param digest keygate's HMAC of a plain secret, or the legacy SHA-256 as given
 * @param indexed the index a foreign secret's digest goes to; empty for a keygate-format one
 * @param displayPrefix the configured foreign prefix shown as the key's prefix
 */
record ImportProof(
    Optional<String> keyId,
    KeyKind kind,
    byte[] digest,
    Optional<DigestKind> indexed,
    Optional<String> displayPrefix) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");
  static final int MIN_FOREIGN_SECRET = 16;

  /** What a proof is made with. */
  record Context(KeyFormat format, KeyHasher hasher, ImportSettings settings, KeyKind environment) {
    String prefixes() {
      return settings.foreignPrefixes().isEmpty()
          ? "none configured"
          : String.join(", ", settings.foreignPrefixes());
    }
  }

  /**
   * The proof of a record's secret; what is wrong with it goes to {@code v} (the proof is then a
   * placeholder the caller never stores, since {@code v} throws first).
   *
   * @param requested the kind the record asks for; null = the sidecar's environment
   */
  static ImportProof of(
      ImportedKey.ImportSecret secret, KeyKind requested, String field, Validation v, Context c) {
    KeyKind kind = requested == null ? c.environment() : requested;
    byte[] none = new byte[32];
    if (secret instanceof ImportedKey.Plain plain) {
      String s = plain.secret();
      Optional<ParsedKey> own = c.format().parse(s);
      if (own.isPresent()) {
        v.check(
            requested == null || requested == own.get().kind(),
            field + ".key.kind",
            "must match the secret's kind, " + own.get().kind().label());
        return new ImportProof(
            Optional.of(own.get().keyId()),
            own.get().kind(),
            c.hasher().digest(s),
            Optional.empty(),
            Optional.empty());
      }
      Optional<String> prefix = c.settings().prefixOf(s);
      boolean ok =
          s.length() >= MIN_FOREIGN_SECRET
              && s.length() <= KeyFormat.MAX_KEY_LENGTH
              && PRINTABLE.matcher(s).matches()
              && prefix.isPresent();
      v.check(
          ok,
          field + ".plain_secret",
          "must be a key in keygate's format, or "
              + MIN_FOREIGN_SECRET
              + "-"
              + KeyFormat.MAX_KEY_LENGTH
              + " printable characters starting with one of KEYGATE_IMPORT_KEY_PREFIXES ("
              + c.prefixes()
              + ")");
      return new ImportProof(
          Optional.empty(),
          kind,
          ok ? c.hasher().digest(s) : none,
          Optional.of(DigestKind.HMAC),
          prefix);
    }
    if (secret instanceof ImportedKey.LegacySha256 legacy) {
      boolean hex = legacy.sha256Hex() != null && SHA256_HEX.matcher(legacy.sha256Hex()).matches();
      v.check(hex, field + ".legacy_sha256", "must be 64 hex digits (a SHA-256)");
      v.check(
          c.settings().foreignPrefixes().contains(legacy.prefix()),
          field + ".legacy_prefix",
          "must be one of KEYGATE_IMPORT_KEY_PREFIXES (" + c.prefixes() + ")");
      return new ImportProof(
          Optional.empty(),
          kind,
          hex ? HexFormat.of().parseHex(legacy.sha256Hex()) : none,
          Optional.of(DigestKind.LEGACY_SHA256),
          Optional.ofNullable(legacy.prefix()));
    }
    v.check(false, field + ".secret", "set plain_secret or legacy_sha256");
    return new ImportProof(Optional.empty(), kind, none, Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    return "ImportProof[keyId=" + keyId + ", kind=" + kind + ", digest=<redacted>]";
  }
}
