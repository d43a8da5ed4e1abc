package dev.keygate.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation moved into docs/ and helm/README.md, one level below the README: a relative
 * link that still points where the text used to live, or an anchor of a heading that moved to
 * another page, is broken the moment nobody clicks it. Every relative link in the Markdown files
 * readers start from must name a file or directory that exists, and its #anchor a heading of that
 * file.
 */
class DocLinksTest {
  /** The repository root, seen from the server module's directory (Maven's working directory). */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The front door stays a front door; the topics live in docs/. */
  private static final int README_MAX_LINES = 250;

  /** An inline link or image: [text](target) or [text](target "title"). */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  @Test
  void relativeLinks_inEveryDoc_pointToExistingFilesAndHeadings() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    Map<Path, Set<String>> anchorsByFile = new HashMap<>();
    for (Path doc : docs()) {
      for (String target : links(Files.readString(doc))) {
        if (SCHEME.matcher(target).find()) {
          continue; // http(s), mailto: not ours to check offline
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? "" : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
        String where = ROOT.relativize(doc) + ": (" + target + ")";
        if (!file.startsWith(ROOT) || !Files.exists(file)) {
          broken.add(where + " names no file");
        } else if (!anchor.isEmpty() && file.toString().endsWith(".md")) {
          Set<String> anchors = anchorsByFile.computeIfAbsent(file, DocLinksTest::anchorsOf);
          if (!anchors.contains(anchor)) {
            broken.add(where + " names no heading of " + ROOT.relativize(file));
          }
        }
      }
    }
    assertTrue(checked > 100, "found the docs' relative links: " + checked);
    assertEquals(List.of(), broken);
  }

  @Test
  void readme_frontDoor_staysShort() throws IOException {
    int lines = Files.readAllLines(ROOT.resolve("README.md")).size();
    assertTrue(
        lines < README_MAX_LINES,
        "README.md has " + lines + " lines: move topic text into docs/ and link it");
  }

  @Test
  void anchorsOf_headings_followGitHubsRule() throws IOException {
    Path doc = Files.createTempFile("doc", ".md");
    try {
      Files.writeString(
          doc,
          """
          # Envoy ext_authz
          ## The `KeyAdmin` privilege model
          ```
          # not a heading: inside a code block
          ```
          ### Behind a proxy (HTTP forward-auth)
          ## Notes
          ## Notes
          """);
      assertEquals(
          Set.of(
              "envoy-ext_authz",
              "the-keyadmin-privilege-model",
              "behind-a-proxy-http-forward-auth",
              "notes",
              "notes-1"),
          anchorsOf(doc));
    } finally {
      Files.delete(doc);
    }
  }

  /** README.md, docs/*.md, helm/README.md, client/README.md and every client-stubs README. */
  private static List<Path> docs() throws IOException {
    Set<Path> docs = new TreeSet<>();
    docs.add(ROOT.resolve("README.md"));
    docs.add(ROOT.resolve("helm/README.md"));
    docs.add(ROOT.resolve("client/README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
    }
    try (Stream<Path> files = Files.walk(ROOT.resolve("client-stubs"))) {
      files
          .filter(f -> f.getFileName().toString().equals("README.md"))
          .filter(f -> !f.toString().contains("node_modules"))
          .forEach(docs::add);
    }
    for (Path doc : docs) {
      assertTrue(Files.isRegularFile(doc), "missing " + doc);
    }
    return List.copyOf(docs);
  }

  /** The link targets of a Markdown text, outside fenced code blocks (examples, not links). */
  private static List<String> links(String markdown) {
    List<String> targets = new ArrayList<>();
    for (String line : prose(markdown)) {
      Matcher m = LINK.matcher(line);
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats get -1. */
  static Set<String> anchorsOf(Path doc) {
    String markdown;
    try {
      markdown = Files.readString(doc);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(markdown)) {
      Matcher h = HEADING.matcher(line);
      if (!h.matches()) {
        continue;
      }
      String slug =
          h.group(1).toLowerCase().replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }

  /** The lines of a Markdown text that are not inside a fenced code block. */
  private static List<String> prose(String markdown) {
    List<String> lines = new ArrayList<>();
    boolean inFence = false; // why: a '#' comment in a shell example is not a heading
    for (String line : markdown.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        inFence = !inFence;
        continue;
      }
      if (!inFence) {
        lines.add(line);
      }
    }
    return lines;
  }
}
