package dev.keygate.admin;

/**
 * One record of an ImportKeys call in domain terms, not yet validated. Holds a secret (or its
 * digest): {@link #toString()} leaves it out.
 *
 * @param line the caller's reference (its file line), echoed in the result
 * @param externalId the key's id in the system it comes from
 * @param key the key's attributes, as for CreateKey
 * @param secret the plain secret or the legacy digest
 */
public record ImportedKey(long line, String externalId, NewKey key, ImportSecret secret) {

  /** What the record proves the key by. */
  public sealed interface ImportSecret {}

  /** The full secret: hashed on arrival, never stored. */
  public record Plain(String secret) implements ImportSecret {
    @Override
    public String toString() {
      return "Plain[<redacted>]";
    }
  }

  /**
   * The unpeppered SHA-256 of a secret in another system's format that starts with {@code prefix}.
   *
   * @param sha256Hex 64 hex digits as given (validated on import)
   */
  public record LegacySha256(String sha256Hex, String prefix) implements ImportSecret {
    @Override
    public String toString() {
      return "LegacySha256[prefix=" + prefix + ", digest=<redacted>]";
    }
  }

  /** A record that named neither (an INVALID_ARGUMENT on import). */
  public record Missing() implements ImportSecret {}
}
