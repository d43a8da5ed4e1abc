package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.envoy.PathNormalizer.RefusedPathException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathNormalizerTest {
  private static String normalize(String path) {
    try {
      return PathNormalizer.normalize(path);
    } catch (RefusedPathException e) {
      throw new AssertionError(path + " refused: " + e.getMessage(), e);
    }
  }

  private static String refusal(String path) {
    return assertThrows(RefusedPathException.class, () -> PathNormalizer.normalize(path), path)
        .getMessage();
  }

  @Test
  void normalize_normalPath_unchanged() {
    for (String path : List.of("/", "/v1/tasks", "/v1/tasks/", "/v1/tasks/42/notes", "/a%20b")) {
      assertEquals(path, normalize(path));
    }
  }

  @Test
  void normalize_queryAndFragment_cutOff() {
    assertEquals("/v1/tasks", normalize("/v1/tasks?x=/../admin"));
    assertEquals("/v1/tasks", normalize("/v1/tasks#/../admin"));
    assertEquals("/v1/tasks/", normalize("/v1/tasks/?a#b"));
    // what comes after ? is never checked: it is not part of the path
    assertEquals("/v1", normalize("/v1?%2F\\%zz"));
  }

  @Test
  void normalize_mergesSlashes() {
    assertEquals("/v1/admin", normalize("//v1//admin"));
    assertEquals("/v1/admin/", normalize("/v1/admin///"));
    assertEquals("/", normalize("///"));
  }

  @Test
  void normalize_resolvesDotSegmentsNeverAboveTheRoot() {
    assertEquals("/v1/admin", normalize("/v1/tasks/../admin"));
    assertEquals("/v1/admin", normalize("/v1/./admin"));
    assertEquals("/admin", normalize("/../../admin"));
    assertEquals("/", normalize("/v1/.."));
    assertEquals("/v1/", normalize("/v1/tasks/.."), "a dot segment at the end leaves a slash");
    assertEquals("/v1/", normalize("/v1/."));
    assertEquals("/v1/...", normalize("/v1/..."), "three dots are a name");
  }

  @Test
  void normalize_decodesUnreservedEscapesBeforeResolvingDots() {
    assertEquals("/admin", normalize("/%61dmin"));
    assertEquals("/admin", normalize("/%61%64%6D%69%6e"));
    assertEquals("/AZaz09-._~", normalize("/%41%5A%61%7a%30%39%2D%2E%5F%7E"));
    assertEquals("/admin", normalize("/v1/%2e%2e/admin"));
    assertEquals("/admin", normalize("/v1/.%2E/admin"));
    assertEquals("/v1/admin", normalize("/v1/%2e/admin"));
  }

  @Test
  void normalize_otherEscapes_upperCasedNotDecoded() {
    assertEquals("/a%3Bb", normalize("/a%3bb"), "an encoded ; is data, not a parameter");
    assertEquals("/a%20b%C3%A9", normalize("/a%20b%c3%a9"));
    assertEquals("/%25", normalize("/%25"));
    assertEquals("/%252e%252e", normalize("/%252e%252e"), "decoded once, never twice");
  }

  @Test
  void normalize_charactersAPathCannotHoldRaw_percentEncoded() {
    assertEquals("/a%20b", normalize("/a b"));
    assertEquals("/%7B%7D%7C%5E%60%22%3C%3E%5B%5D", normalize("/{}|^`\"<>[]"));
    assertEquals("/%C3%BC/%E2%82%AC/%F0%9F%98%80", normalize("/ü/€/😀"));
  }

  @Test
  void normalize_dropsSegmentParameters() {
    assertEquals("/v1/admin", normalize("/v1/admin;jsessionid=1"));
    assertEquals("/v1/admin/users", normalize("/v1/admin;x/users"));
    assertEquals("/v1/admin", normalize("/v1/tasks/..;/admin"), "Tomcat's /..;/ trick");
    assertEquals("/v1/admin", normalize("/v1/.;x/admin"));
    assertEquals("/v1/admin", normalize("/v1;a=b;c/admin"));
  }

  @Test
  void normalize_refusesEncodedSlashesAndBackslashes() {
    for (String path : List.of("/v1/tasks%2Fadmin", "/v1/tasks%2fadmin", "/v1%5Cadmin", "/%5c")) {
      assertTrue(refusal(path).contains("encoded slash"), path);
    }
    assertTrue(refusal("/v1\\admin").contains("backslash"));
  }

  @Test
  void normalize_refusesControlCharactersRawOrEncoded() {
    for (String path : List.of("/a\u0000b", "/a\nb", "/a\u007fb", "/a%00b", "/a%0Ab", "/a%7f")) {
      assertTrue(refusal(path).contains("control character"), path);
    }
  }

  @Test
  void normalize_refusesBadEscapes() {
    for (String path : List.of("/%", "/a%2", "/%zz", "/%g1", "/%1\u0663")) {
      assertTrue(refusal(path).contains("two hex digits"), path);
    }
  }

  @Test
  void normalize_refusesRelativeAndEmptyPaths() {
    for (String path : List.of("", "v1/tasks", "*", "http://host/v1", "?/x")) {
      assertTrue(refusal(path).contains("start with /"), path);
    }
  }

  @Test
  void normalize_refusesUnpairedSurrogates() {
    assertTrue(refusal("/a\ud800b").contains("Unicode"));
    assertTrue(refusal("/a\udc00").contains("Unicode"));
  }

  @Test
  void normalize_dotDotAfterEmptySegment_refusedAsAmbiguous() {
    // Envoy (dots, then slashes) reads /a/b; nginx and most frameworks (slashes first) read /b
    for (String path : List.of("/a//../b", "/a/;x/../b", "/a//b/../../c", "/a/.//..")) {
      assertTrue(refusal(path).contains("ambiguous"), path);
    }
    // a . segment cannot be read two ways
    assertEquals("/a/b", normalize("/a/.//b"));
  }

  @Test
  void normalize_isIdempotent() {
    for (String path :
        List.of("/%61dmin/./x/../y;p", "/a b/%c3%a9", "//v1//tasks/", "/v1/%7e/%3b")) {
      String once = normalize(path);
      assertEquals(once, normalize(once), path);
    }
  }

  @Test
  void refusedPathException_messageNeverEchoesThePath() {
    String secret = "/kg_live_secret%2F";
    assertFalse(refusal(secret).contains("kg_live"));
  }
}
