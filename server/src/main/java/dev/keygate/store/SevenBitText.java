package dev.keygate.store;

/**
 * Binary values as text of characters U+0000-U+007F, seven bits per character. Such text is its own
 * UTF-8 encoding, byte for byte, so it goes through Jedis' String API (which encodes UTF-8) and
 * into Redis at one byte a character: a 32-byte digest is 37 bytes here, against 43 in base64. The
 * packed record layout ({@link RedisRecordCodec}) stores its digest and creation time so. Decoding
 * checks everything: a character above U+007F, a wrong length or stray bits are errors, never a
 * silently different value.
 */
final class SevenBitText {
  private SevenBitText() {}

  /** Characters needed for {@code bytes} bytes. */
  static int length(int bytes) {
    return (bytes * 8 + 6) / 7;
  }

  /** {@code data} as {@link #length}({@code data.length}) characters, most significant first. */
  static String encode(byte[] data) {
    StringBuilder out = new StringBuilder(length(data.length));
    int acc = 0;
    int bits = 0;
    for (byte b : data) {
      acc = (acc << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 7) {
        bits -= 7;
        out.append((char) ((acc >>> bits) & 0x7f));
      }
    }
    if (bits > 0) {
      // the last character's low bits are zero padding
      out.append((char) ((acc << (7 - bits)) & 0x7f));
    }
    return out.toString();
  }

  /**
   * Reverses {@link #encode} for a value of {@code bytes} bytes.
   *
   * @throws IllegalArgumentException if {@code text} is not such an encoding
   */
  static byte[] decode(CharSequence text, int bytes) {
    if (text.length() != length(bytes)) {
      throw new IllegalArgumentException("7-bit text of " + text.length() + " characters");
    }
    byte[] out = new byte[bytes];
    int acc = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 0x7f) {
        throw new IllegalArgumentException("7-bit text has a character above U+007F");
      }
      acc = ((acc << 7) | c) & 0x3fff;
      bits += 7;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (acc >>> bits);
      }
    }
    if ((acc & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("7-bit text has non-zero padding");
    }
    return out;
  }

  /** {@code value} ({@code 0 <= value < 2^(7 * chars)}) as exactly {@code chars} characters. */
  static String encodeUnsigned(long value, int chars) {
    if (value < 0 || (chars < 9 && value >>> (7 * chars) != 0)) {
      throw new IllegalArgumentException("value does not fit " + chars + " 7-bit characters");
    }
    char[] out = new char[chars];
    for (int i = chars - 1; i >= 0; i--) {
      out[i] = (char) (value & 0x7f);
      value >>>= 7;
    }
    return new String(out);
  }

  /** Reverses {@link #encodeUnsigned}: the characters of {@code text} from {@code start}. */
  static long decodeUnsigned(CharSequence text, int start, int chars) {
    if (chars > 9 || start < 0 || text.length() - start < chars) {
      throw new IllegalArgumentException("7-bit number cut short");
    }
    long value = 0;
    for (int i = start; i < start + chars; i++) {
      char c = text.charAt(i);
      if (c > 0x7f) {
        throw new IllegalArgumentException("7-bit text has a character above U+007F");
      }
      value = (value << 7) | c;
    }
    return value;
  }
}
