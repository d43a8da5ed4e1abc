package dev.keygate.key;

import java.security.SecureRandom;

/** Base62 ({@code 0-9A-Za-z}) helpers for key material: URL-safe, double-click selectable. */
public final class Base62 {
  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Base62() {}

  /** {@code length} characters drawn uniformly from the alphabet (no modulo bias). */
  public static String random(SecureRandom random, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(out);
  }

  /** Encodes a non-negative value in exactly {@code width} characters, zero-padded. */
  public static String encodeFixed(long value, int width) {
    char[] out = new char[width];
    long rest = value;
    for (int i = width - 1; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) (rest % 62));
      rest /= 62;
    }
    if (rest != 0) {
      throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
    }
    return new String(out);
  }

  /** True if every character of {@code s} is in the alphabet. */
  public static boolean isBase62(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
