package dev.keygate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.9", 5000);

  @Test
  void client_trustedHops_takesTheEntryTheOutermostTrustedProxyWrote() {
    String xff = "6.6.6.6, 203.0.113.7, 10.0.0.2";
    String trusted = "10.0.0.0/8";
    assertEquals("10.0.0.9", new ClientAddresses(trusted, 0).client(PROXY, null, xff));
    assertEquals("10.0.0.2", new ClientAddresses(trusted, 1).client(PROXY, null, xff));
    assertEquals("203.0.113.7", new ClientAddresses(trusted, 2).client(PROXY, null, xff));
    assertEquals("6.6.6.6", new ClientAddresses(trusted, 3).client(PROXY, null, xff));
    // fewer entries than trusted hops: the request did not come through the proxies
    assertEquals("10.0.0.9", new ClientAddresses(trusted, 4).client(PROXY, null, xff));
    assertEquals("10.0.0.9", new ClientAddresses(trusted, 1).client(PROXY, null, "garbage"));
    assertEquals("10.0.0.9", new ClientAddresses(trusted, 1).client(PROXY, null, null));
  }

  @Test
  void client_overLongForwardedFor_stillTheTrustedHopNeverTheProxy() {
    String xff = "6.6.6.6,".repeat(99) + "203.0.113.7";
    assertEquals("203.0.113.7", new ClientAddresses("10.0.0.0/8", 1).client(PROXY, null, xff));
    assertEquals(
        "203.0.113.7", new ClientAddresses("10.0.0.0/8", 2).client(PROXY, null, xff + ",1.2.3.4"));
  }

  @Test
  void client_untrustedPeer_itsClaimsIgnored() {
    ClientAddresses loopbackOnly = new ClientAddresses(ClientAddresses.LOOPBACK, 1);
    assertEquals("10.0.0.9", loopbackOnly.client(PROXY, "127.0.0.1", "203.0.113.7"));
    assertEquals("10.0.0.9", loopbackOnly.client(PROXY, "198.51.100.1:80", null));
    InetSocketAddress envoy = new InetSocketAddress("127.0.0.1", 5000);
    assertEquals("198.51.100.1", loopbackOnly.client(envoy, "198.51.100.1:80", null));
    assertEquals("203.0.113.7", loopbackOnly.client(envoy, "198.51.100.1:80", "203.0.113.7"));
    assertNull(loopbackOnly.client(envoy, "", null), "a local caller is never throttled");
  }

  @Test
  void client_cidrs_prefixesAndSingleHostsAndIpv6() {
    ClientAddresses peers = new ClientAddresses("192.0.2.0/25, 10.1.2.3, fd00::/8", 0);
    assertEquals(
        "203.0.113.7", peers.client(new InetSocketAddress("192.0.2.127", 1), "203.0.113.7", null));
    assertEquals(
        "192.0.2.128", peers.client(new InetSocketAddress("192.0.2.128", 1), "203.0.113.7", null));
    assertEquals(
        "203.0.113.7", peers.client(new InetSocketAddress("10.1.2.3", 1), "203.0.113.7", null));
    assertEquals(
        "10.1.2.4", peers.client(new InetSocketAddress("10.1.2.4", 1), "203.0.113.7", null));
    assertEquals(
        "203.0.113.7", peers.client(new InetSocketAddress("fd12::1", 1), "203.0.113.7", null));
  }

  @Test
  void new_badCidr_namesTheEntry() {
    for (String bad : new String[] {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "1.2.3"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new ClientAddresses(bad, 0));
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }
}
