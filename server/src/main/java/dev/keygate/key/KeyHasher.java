package dev.keygate.key;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of key secrets with the server-side pepper. Only digests are stored; a stolen copy of
 * the store cannot be checked against guesses without the pepper.
 */
public final class KeyHasher {
  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec pepper;
  // Mac instances are not thread-safe and costly to create: one per thread.
  private final ThreadLocal<Mac> macs;

  public KeyHasher(byte[] pepper) {
    if (pepper.length == 0) {
      throw new IllegalArgumentException("pepper must not be empty");
    }
    this.pepper = new SecretKeySpec(pepper.clone(), ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** The 32-byte digest of a full secret. */
  public byte[] digest(String secret) {
    return macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Constant-time comparison of two digests (or tokens); false if either is null. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return expected != null && actual != null && MessageDigest.isEqual(expected, actual);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(pepper);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
