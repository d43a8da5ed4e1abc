package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Route matching at its edges: the table's empty form, relative paths, the scope bound, C1. */
class RouteEdgesTest {
  @Test
  void empty_isTheSameEmptyTable() {
    assertSame(RouteTable.empty(), RouteTable.empty());
    assertTrue(RouteTable.empty().isEmpty());
    assertEquals(0, RouteTable.empty().size());
    assertFalse(RouteTable.parse("GET /a any-key").isEmpty());
  }

  @Test
  void matches_relativeOrEmptyPathNever() {
    PathPattern any = PathPattern.parse("/**");
    assertTrue(any.matches("/"));
    assertTrue(any.matches("/a/b"));
    assertFalse(any.matches("a/b"));
    assertFalse(any.matches(""));
    assertEquals("/**", any.toString());
  }

  @Test
  void parse_requirementOf32ScopesAccepted_33Refused() {
    String scopes32 =
        IntStream.range(0, 32).mapToObj(i -> "r" + i + ":read").collect(Collectors.joining(" "));
    assertEquals(scopes32, Requirement.parse(scopes32).toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Requirement.parse(scopes32 + " x:y"));
    assertEquals("at most 32 scopes", e.getMessage());
  }

  @Test
  void normalize_c1ControlCharacterIsEscapedAsUtf8() throws Exception {
    assertEquals("/a%C2%80", PathNormalizer.normalize("/a\u0080"));
    assertEquals("/a~~", PathNormalizer.normalize("/a%7E~"), "encoded unreserved is decoded");
  }
}
