package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SevenBitTextTest {
  @Test
  void everyLength_roundTrips_atOneUtf8ByteACharacter() {
    Random random = new Random(7);
    for (int n = 0; n <= 40; n++) {
      for (int round = 0; round < 20; round++) {
        byte[] data = new byte[n];
        random.nextBytes(data);
        String text = SevenBitText.encode(data);
        assertEquals(SevenBitText.length(n), text.length());
        assertEquals(text.length(), text.getBytes(StandardCharsets.UTF_8).length);
        assertArrayEquals(data, SevenBitText.decode(text, n));
      }
    }
    assertEquals(37, SevenBitText.length(32));
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertArrayEquals(ones, SevenBitText.decode(SevenBitText.encode(ones), 32));
  }

  @Test
  void whatIsNotAnEncoding_isRejected() {
    String good = SevenBitText.encode(new byte[32]);
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.decode(good, 31));
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.decode(good.substring(1), 32));
    String high = "\u0080" + good.substring(1);
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.decode(high, 32));
    // 37 characters carry 259 bits: the 3 past the digest must be zero
    String padded = good.substring(0, 36) + (char) 1;
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.decode(padded, 32));
  }

  @Test
  void numbers_roundTrip_withinTheirWidth() {
    for (long v : new long[] {0, 1, 127, 128, (1L << 49) - 1, 1L << 48, 1795000000000L}) {
      String text = SevenBitText.encodeUnsigned(v, 7);
      assertEquals(7, text.length());
      assertTrue(text.chars().allMatch(c -> c < 0x80));
      assertEquals(v, SevenBitText.decodeUnsigned("xx" + text, 2, 7));
    }
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.encodeUnsigned(1L << 49, 7));
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.encodeUnsigned(-1, 7));
    assertThrows(IllegalArgumentException.class, () -> SevenBitText.decodeUnsigned("abc", 0, 7));
    assertThrows(
        IllegalArgumentException.class, () -> SevenBitText.decodeUnsigned("xxabcde", 2, 7));
    assertThrows(
        IllegalArgumentException.class, () -> SevenBitText.decodeUnsigned("0123456789", 0, 10));
    // nine characters carry 63 bits: the widest number there is
    assertEquals(
        Long.MAX_VALUE,
        SevenBitText.decodeUnsigned(SevenBitText.encodeUnsigned(Long.MAX_VALUE, 9), 0, 9));
    assertThrows(
        IllegalArgumentException.class, () -> SevenBitText.decodeUnsigned("\u00ff123456", 0, 7));
  }
}
