package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static final RouteTable TABLE =
      RouteTable.parse(
          """
      # tasks API
      GET,HEAD /v1/tasks/**        tasks:read
      DELETE   /v1/tasks/*         tasks:delete
      POST     /v1/tasks           tasks:write tasks:read   # create needs both
      *        /v1/admin/**        deny
      GET      /v1/whoami          any-key
      """);

  private static Optional<String> find(String method, String path) {
    return TABLE.find(method, path).map(Object::toString);
  }

  @Test
  void parse_rulesCommentsAndBlankLines() {
    assertEquals(5, TABLE.size());
    assertTrue(RouteTable.parse("\n# only a comment\n").isEmpty());
  }

  @Test
  void find_exactPath() {
    assertEquals(Optional.of("tasks:write tasks:read"), find("POST", "/v1/tasks"));
    assertEquals(Optional.of("tasks:write tasks:read"), find("POST", "/v1/tasks/"));
    assertEquals(Optional.empty(), find("POST", "/v1/tasks/42"));
    assertEquals(Optional.empty(), find("POST", "/v1/Tasks"), "case-sensitive");
  }

  @Test
  void find_singleStarIsExactlyOneSegment() {
    assertEquals(Optional.of("tasks:delete"), find("DELETE", "/v1/tasks/42"));
    assertEquals(Optional.empty(), find("DELETE", "/v1/tasks"));
    assertEquals(Optional.empty(), find("DELETE", "/v1/tasks/42/notes"));
  }

  @Test
  void find_doubleStarIsAnyNumberOfSegments() {
    assertEquals(Optional.of("tasks:read"), find("GET", "/v1/tasks"));
    assertEquals(Optional.of("tasks:read"), find("GET", "/v1/tasks/42"));
    assertEquals(Optional.of("tasks:read"), find("HEAD", "/v1/tasks/42/notes/7"));
    assertEquals(Optional.empty(), find("GET", "/v1/taskslist"));
    assertEquals(Optional.of("deny"), find("PATCH", "/v1/admin/users/1"));
  }

  @Test
  void find_doubleStarInTheMiddle() {
    RouteTable table = RouteTable.parse("GET /v1/**/notes/* notes:read");
    assertTrue(table.find("GET", "/v1/notes/1").isPresent());
    assertTrue(table.find("GET", "/v1/tasks/42/notes/1").isPresent());
    assertFalse(table.find("GET", "/v1/tasks/42/notes").isPresent());
  }

  @Test
  void find_methodMismatchFallsThrough() {
    assertEquals(Optional.empty(), find("PUT", "/v1/tasks/42"));
    assertEquals(Optional.empty(), find("get", "/v1/tasks"), "methods are case-sensitive");
    assertEquals(Optional.of("any-key"), find("GET", "/v1/whoami"));
    assertEquals(Optional.empty(), find("POST", "/v1/whoami"));
  }

  @Test
  void find_firstMatchWins() {
    RouteTable table =
        RouteTable.parse(
            """
        GET /v1/tasks/secret deny
        GET /v1/tasks/*      tasks:read
        """);
    assertEquals("deny", table.find("GET", "/v1/tasks/secret").orElseThrow().toString());
    assertEquals("tasks:read", table.find("GET", "/v1/tasks/1").orElseThrow().toString());
  }

  @Test
  void parse_badLinesNameTheLine() {
    for (String bad :
        List.of(
            "GET /v1/tasks", // no requirement
            "get /v1/tasks tasks:read", // lower-case method
            "GET v1/tasks tasks:read", // relative path
            "GET /v1/task* tasks:read", // partial wildcard
            "GET /v1/**/x/** tasks:read", // two **
            "GET /v1/../admin tasks:read", // dot segment
            "GET /v1/%2e%2e tasks:read", // percent-encoding
            "GET /v1/tasks Tasks:Read", // bad scope
            "GET /v1/tasks deny tasks:read")) { // deny mixed with scopes
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RouteTable.parse("# header\n" + bad), bad);
      assertTrue(e.getMessage().startsWith("line 2: "), e.getMessage());
    }
  }

  @Test
  void find_matchesTheNormalizedPath() {
    for (String path :
        List.of(
            "/v1/tasks/../admin/x",
            "//v1//admin",
            "/v1/./admin",
            "/v1/%61dmin",
            "/v1/admin;x=1/users",
            "/v1/tasks/..;/admin",
            "/v1/admin?x=1")) {
      assertEquals(Optional.of("deny"), find("GET", path), path);
    }
    assertEquals(Optional.of("tasks:read"), find("GET", "/v1/%74asks/42"));
    assertEquals(Optional.empty(), find("GET", "/v1/tasks/../whoami2"));
  }

  @Test
  void find_refusedPath_deniedNeverFallsThrough() {
    for (String path : List.of("", "v1/tasks", "/v1/tasks%2F42", "/v1\\tasks", "/v1/%zz")) {
      assertEquals(Optional.of("deny"), find("GET", path), path);
    }
  }

  @Test
  void parse_semicolonInPattern_refusedSincePathsLoseTheirParameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RouteTable.parse("GET /a;b deny"));
    assertTrue(e.getMessage().contains("no ; parameters"), e.getMessage());
  }
}
