package dev.keygate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

  @Test
  void parse_ipLiterals_giveAddressOrIpv6Network() {
    assertEquals("203.0.113.7", ClientAddresses.parse("203.0.113.7"));
    assertEquals("203.0.113.7", ClientAddresses.parse(" 203.0.113.7:51234 "));
    assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddresses.parse("2001:db8:1:2:aaaa::5"));
    assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddresses.parse("[2001:db8:1:2::9]:443"));
    assertEquals("198.51.100.1", ClientAddresses.parse("::ffff:198.51.100.1"));
  }

  @Test
  void parse_notAnIpLiteral_givesNullWithoutDns() {
    for (String text :
        new String[] {
          null,
          "",
          "localhost",
          "example.com",
          "1.2",
          "1.2.3.256",
          "01.2.3.4",
          "2001:db8::g",
          "[2001:db8::1",
          ":::::::::",
          "fe80::1%eth0",
          "x".repeat(10_000),
          "127.0.0.1",
          "::1",
          "[::1]:80"
        }) {
      assertNull(ClientAddresses.parse(text), String.valueOf(text));
    }
  }

  @Test
  void of_peerAddress_loopbackIsExempt() {
    assertNull(ClientAddresses.of(new InetSocketAddress("127.0.0.1", 5000)));
    assertEquals("192.0.2.10", ClientAddresses.of(new InetSocketAddress("192.0.2.10", 5000)));
    assertNull(ClientAddresses.of(null));
  }

  @Test
  void resolve_trustedHops_takesTheEntryTheOutermostTrustedProxyWrote() {
    String xff = "6.6.6.6, 203.0.113.7, 10.0.0.2";
    assertEquals("10.0.0.9", ClientAddresses.resolve("10.0.0.9", xff, 0));
    assertEquals("10.0.0.2", ClientAddresses.resolve("10.0.0.9", xff, 1));
    assertEquals("203.0.113.7", ClientAddresses.resolve("10.0.0.9", xff, 2));
    assertEquals("6.6.6.6", ClientAddresses.resolve("10.0.0.9", xff, 3));
    // fewer entries than trusted hops: the request did not come through the proxies
    assertEquals("10.0.0.9", ClientAddresses.resolve("10.0.0.9", xff, 4));
    assertEquals("10.0.0.9", ClientAddresses.resolve("10.0.0.9", "garbage", 1));
    assertEquals("10.0.0.9", ClientAddresses.resolve("10.0.0.9", null, 1));
    assertEquals("10.0.0.9", ClientAddresses.resolve("10.0.0.9", "1.1.1.1,".repeat(40), 1));
  }
}
