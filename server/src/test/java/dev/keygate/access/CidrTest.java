package dev.keygate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address-block arithmetic under the allowlists, at prefix lengths that split a byte. */
class CidrTest {
  private static InetAddress ip(String text) {
    return Cidr.literal(text).orElseThrow();
  }

  @Test
  void contains_prefixSplittingAByte_onlyTheBlock() {
    Cidr v4 = Cidr.parse("203.0.113.128/25");
    assertTrue(v4.contains(ip("203.0.113.128")));
    assertTrue(v4.contains(ip("203.0.113.255")));
    assertFalse(v4.contains(ip("203.0.113.127")));
    assertFalse(v4.contains(ip("2001:db8::1")));

    Cidr v6 = Cidr.parse("2001:db8:8000::/33");
    assertTrue(v6.contains(ip("2001:db8:ffff::1")));
    assertFalse(v6.contains(ip("2001:db8:7fff::1")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("198.51.100.1")));
    assertTrue(Cidr.parse("198.51.100.1").contains(ip("198.51.100.1")));
    assertFalse(Cidr.parse("198.51.100.1").contains(ip("198.51.100.0")));
  }

  @Test
  void covers_innerBlocksOnly() {
    Cidr outer = Cidr.parse("10.0.0.0/15");
    assertTrue(outer.covers(Cidr.parse("10.1.0.0/16")));
    assertTrue(outer.covers(Cidr.parse("10.0.0.0/15")));
    assertFalse(outer.covers(Cidr.parse("10.0.0.0/14")));
    assertFalse(outer.covers(Cidr.parse("10.2.0.0/16")));
  }

  @Test
  void parse_hostBitsAndBadText_reported() {
    assertTrue(Cidr.parse("10.0.0.1/8").hasHostBits());
    assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.1/8").masked().toString());
    assertFalse(Cidr.parse("10.128.0.0/9").hasHostBits());
    assertTrue(Cidr.parse("10.192.0.0/9").hasHostBits());
    for (String bad :
        List.of("10.0.0.0/33", "::/129", "10.0.0.0/-1", "host.example", "1.2.3", "")) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
  }

  @Test
  void format_ipv6Shortest() {
    assertEquals("2001:db8::1", Cidr.format(ip("2001:0db8:0000:0000:0000:0000:0000:0001")));
    assertEquals("::", Cidr.format(ip("::")));
    assertEquals("2001:db8:0:1::", Cidr.format(ip("2001:db8:0:1:0:0:0:0")));
    assertEquals("1:0:0:2::3", Cidr.format(ip("1:0:0:2:0:0:0:3")));
    assertEquals("2001:db8:1234::/48", Cidr.parse("2001:DB8:1234::/48").toString());
  }
}
