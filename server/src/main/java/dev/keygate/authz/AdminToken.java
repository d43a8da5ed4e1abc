package dev.keygate.authz;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bootstrap admin token ({@code KEYGATE_ADMIN_TOKEN}), kept as its SHA-256 digest and compared
 * in constant time whatever the lengths.
 */
public final class AdminToken {
  private static final AdminToken NONE = new AdminToken(null);

  private final byte[] digest;

  private AdminToken(byte[] digest) {
    this.digest = digest;
  }

  /** No admin token configured: only API keys may administer. */
  public static AdminToken none() {
    return NONE;
  }

  /** The token {@code token}, or {@link #none()} when it is null. */
  public static AdminToken of(String token) {
    return token == null ? NONE : new AdminToken(sha256(token));
  }

  /** True if {@code credential} is the admin token. */
  public boolean matches(String credential) {
    // digesting both sides makes the comparison constant-time whatever the lengths
    return digest != null && MessageDigest.isEqual(digest, sha256(credential));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
