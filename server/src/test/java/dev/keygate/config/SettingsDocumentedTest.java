package dev.keygate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configuration table (docs/configuration.md) and the settings the code reads cannot drift
 * apart: every {@code KEYGATE_*} variable named as a string in the server's sources has a row, and
 * every row names a variable the code reads.
 */
class SettingsDocumentedTest {
  private static final Pattern IN_CODE = Pattern.compile("\"(KEYGATE_[A-Z0-9_]+)\"");

  /** A table row's first cell: `KEYGATE_X`, optionally followed by ` / `_FILE`` or ` / `Y``. */
  private static final Pattern ROW = Pattern.compile("^\\| `(KEYGATE_[A-Z0-9_]+)`(.*?)\\|");

  private static final Pattern SECOND_NAME = Pattern.compile("`(KEYGATE_[A-Z0-9_]+)`");

  @Test
  void configurationTable_namesExactlyTheVariablesTheCodeReads() throws IOException {
    Set<String> code = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = IN_CODE.matcher(Files.readString(p));
        while (m.find()) {
          code.add(m.group(1));
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("../docs/configuration.md"))) {
      Matcher row = ROW.matcher(line);
      if (!row.find()) {
        continue;
      }
      documented.add(row.group(1));
      Matcher more = SECOND_NAME.matcher(row.group(2));
      while (more.find()) {
        documented.add(more.group(1));
      }
    }
    assertTrue(code.size() > 30, "found the settings in the code: " + code);
    // a secret may also come from <NAME>_FILE; the row says so as "`NAME` / `_FILE`"
    code.removeIf(name -> name.endsWith("_FILE") && documented.contains(name.replace("_FILE", "")));
    Set<String> undocumented = new TreeSet<>(code);
    undocumented.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(code);
    assertEquals(Set.of(), undocumented, "read by the code, missing from docs/configuration.md");
    assertEquals(Set.of(), unknown, "in docs/configuration.md, read nowhere in the code");
  }
}
