package dev.keygate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.config.ConfigException;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The IP allowlist's parts at their edges: CIDR text bounds and masks, RFC 5952 zero runs, the
 * list's entry bound, stored forms, and the per-project setting's bounds.
 */
class AccessValuesTest {
  private static InetAddress ip(String literal) {
    return Cidr.literal(literal).orElseThrow();
  }

  @Test
  void parse_64CharactersIsTheLongestTextAccepted() {
    String cidr64 = "192.0.2.0/" + "0".repeat(52) + "24";
    assertEquals(64, cidr64.length());
    assertEquals(Cidr.parse("192.0.2.0/24"), Cidr.parse(cidr64));
    String bad64 = "x".repeat(64);
    assertEquals(
        "'" + bad64 + "' is not an IP address or CIDR",
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad64)).getMessage());
    String bad65 = "x".repeat(65);
    assertEquals(
        "'" + bad64 + "…' is not an IP address or CIDR",
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad65)).getMessage());
  }

  @Test
  void masked_clearsBitsPastANonByteBoundary() {
    assertEquals("10.240.0.0/12", Cidr.parse("10.255.255.255/12").masked().toString());
    assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").masked().toString());
    assertEquals("2001:db8:8000::/33", Cidr.parse("2001:db8:ffff::1/33").masked().toString());
  }

  @Test
  void equals_bitsAndNetworkBoth() {
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/8"));
    assertEquals(Cidr.parse("10.0.0.0/8").hashCode(), Cidr.parse("10.0.0.0/8").hashCode());
    assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/9"));
    assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("11.0.0.0/8"));
    assertFalse(Cidr.parse("10.0.0.0/8").equals("10.0.0.0/8"));
  }

  @Test
  void format_singleZeroWordNotCompressed_firstOfTiedRunsIs() {
    assertEquals("2001:db8:0:1:1:1:1:1", Cidr.format(ip("2001:db8:0:1:1:1:1:1")));
    assertEquals("2001::1:0:0:1:1", Cidr.format(ip("2001:0:0:1:0:0:1:1")));
    assertEquals("2001:0:0:1::1", Cidr.format(ip("2001:0:0:1:0:0:0:1")));
    assertEquals("::", Cidr.format(ip("::")));
    assertEquals("1::", Cidr.format(ip("1::")));
    assertEquals("192.0.2.1", Cidr.format(ip("192.0.2.1")));
  }

  private static List<String> blocks(int n) {
    return IntStream.range(0, n).mapToObj(i -> "10.0." + i + ".0/24").toList();
  }

  @Test
  void parseList_32EntriesAccepted_33Refused() {
    assertEquals(32, IpAllowlist.parse("c", blocks(32)).cidrs().size());
    KeygateException e =
        assertThrows(KeygateException.class, () -> IpAllowlist.parse("c", blocks(33)));
    assertEquals(List.of(new FieldViolation("c", "must hold at most 32 CIDRs")), e.violations());
  }

  @Test
  void parseList_entriesPastTheMaximumNotInspected() {
    List<String> texts = new ArrayList<>(blocks(32));
    texts.add("not-an-address");
    KeygateException e = assertThrows(KeygateException.class, () -> IpAllowlist.parse("c", texts));
    assertEquals(List.of(new FieldViolation("c", "must hold at most 32 CIDRs")), e.violations());
  }

  @Test
  void parseList_hostBitsAndRepeats_namedByIndex() {
    KeygateException e =
        assertThrows(
            KeygateException.class,
            () -> IpAllowlist.parse("c", List.of("10.0.0.0/8", "10.1.0.0/8", " 10.0.0.0/8 ")));
    assertEquals(
        List.of(
            new FieldViolation(
                "c[1]", "has bits set past its prefix length; did you mean 10.0.0.0/8?"),
            new FieldViolation("c[2]", "repeats an earlier CIDR")),
        e.violations());
  }

  @Test
  void decode_emptyOrNullIsNone_encodeRoundTrips() {
    assertSame(IpAllowlist.NONE, IpAllowlist.decode(""));
    assertSame(IpAllowlist.NONE, IpAllowlist.decode(null));
    IpAllowlist list = IpAllowlist.parse("c", List.of("192.0.2.0/24", "2001:db8::/32"));
    assertEquals("192.0.2.0/24 2001:db8::/32", list.encode());
    assertEquals(list, IpAllowlist.decode(list.encode()));
    assertEquals(List.of("192.0.2.0/24", "2001:db8::/32"), list.texts());
  }

  @Test
  void permits_andWithin() {
    IpAllowlist list = IpAllowlist.parse("c", List.of("192.0.2.0/24"));
    assertTrue(list.permits(ip("192.0.2.9")));
    assertFalse(list.permits(ip("192.0.3.9")));
    assertTrue(list.within(IpAllowlist.NONE));
    assertFalse(IpAllowlist.NONE.within(list));
    assertTrue(IpAllowlist.parse("c", List.of("192.0.2.128/25")).within(list));
    assertFalse(IpAllowlist.parse("c", List.of("192.0.0.0/16")).within(list));
  }

  @Test
  void projectAllowlists_ownListWinsElseTheProjects() {
    IpAllowlist fenced = IpAllowlist.parse("c", List.of("192.0.2.0/24"));
    IpAllowlist own = IpAllowlist.parse("c", List.of("198.51.100.0/24"));
    ProjectAllowlists p = new ProjectAllowlists(Map.of("acme", fenced));
    assertEquals(fenced, p.of("acme", IpAllowlist.NONE));
    assertEquals(own, p.of("acme", own));
    assertSame(IpAllowlist.NONE, p.of("beta", IpAllowlist.NONE));
    assertEquals(1, p.size());
    assertEquals(0, ProjectAllowlists.NONE.size());
  }

  private static String projects(int n) {
    StringJoiner j = new StringJoiner(";");
    for (int i = 0; i < n; i++) {
      j.add("p" + i + "=10." + (i / 256) + "." + (i % 256) + ".0/24");
    }
    return j.toString();
  }

  @Test
  void accessSettings_atMost256Projects() {
    AccessSettings ok = AccessSettings.fromEnv(Map.of("KEYGATE_PROJECT_ALLOWLISTS", projects(256)));
    assertEquals(256, ok.projectAllowlists().size());
    assertEquals("projectAllowlists=256", ok.toString());
    String message =
        assertThrows(
                ConfigException.class,
                () -> AccessSettings.fromEnv(Map.of("KEYGATE_PROJECT_ALLOWLISTS", projects(257))))
            .getMessage();
    assertTrue(message.endsWith(" (at most 256 projects)"), message);
  }

  @Test
  void accessSettings_entryWithoutProject_refusedNamingIt() {
    String message =
        assertThrows(
                ConfigException.class,
                () -> AccessSettings.fromEnv(Map.of("KEYGATE_PROJECT_ALLOWLISTS", "10.0.0.0/8")))
            .getMessage();
    assertTrue(message.endsWith(" (not a project name: '')"), message);
    assertEquals("projectAllowlists=0", AccessSettings.fromEnv(Map.of()).toString());
  }
}
