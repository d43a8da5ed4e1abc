package dev.keygate.imports;

import java.util.Optional;

/**
 * What imports need besides key records: which key an external id became (idempotent imports), and
 * which key a secret in a foreign format opens, by its digest (a foreign secret carries no key id).
 * Each entry maps to one key id; a claim keeps the first writer's value, so concurrent imports
 * agree. Implementations throw {@link dev.keygate.store.StoreUnavailableException} when the backing
 * store cannot answer.
 */
public interface ImportIndex {

  /** Which digest of a foreign secret an entry holds. */
  enum DigestKind {
    /** keygate's HMAC-SHA256 under the pepper: plain imports, and legacy ones once upgraded. */
    HMAC("h"),
    /** The unpeppered SHA-256 a legacy system kept: until the key's first successful use. */
    LEGACY_SHA256("s");

    private final String tag;

    DigestKind(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  /**
   * Maps {@code externalId} of {@code project} to {@code keyId} unless it maps to a key already.
   *
   * @return the key id it maps to now ({@code keyId}, or the earlier one)
   */
  String claimExternalId(String project, String externalId, String keyId);

  /** Drops the mapping if it still maps to {@code keyId} (an import that failed). */
  void releaseExternalId(String project, String externalId, String keyId);

  /**
   * Maps a digest to {@code keyId} unless it maps to a key already.
   *
   * @return the key id it maps to now
   */
  String claimDigest(DigestKind kind, byte[] digest, String keyId);

  /** The key a digest maps to. */
  Optional<String> findDigest(DigestKind kind, byte[] digest);

  /** Drops the mapping if it still maps to {@code keyId}. */
  void releaseDigest(DigestKind kind, byte[] digest, String keyId);
}
