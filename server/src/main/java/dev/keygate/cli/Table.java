package dev.keygate.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Text in aligned columns. Values are shown on one line with control characters replaced, so a name
 * holding escape sequences or newlines cannot rewrite the terminal or forge rows.
 */
final class Table {
  /** Widest a column grows; longer values are cut with an ellipsis. */
  static final int MAX_WIDTH = 60;

  /** Longest value of a name/value line (1024-character descriptions, 32 metadata entries). */
  static final int MAX_FIELD = 16_384;

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(cells.length + " cells for " + header.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (String cell : cells) {
      row.add(clean(cell, MAX_WIDTH));
    }
    rows.add(row);
    return this;
  }

  void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    line(out, header, width);
    for (List<String> row : rows) {
      line(out, row, width);
    }
  }

  private static void line(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      b.append(cell);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(width[i] - cell.length() + 2));
      }
    }
    out.println(b.toString().stripTrailing());
  }

  /** Name/value lines for one record. */
  static void fields(PrintWriter out, List<String[]> fields) {
    int width = 0;
    for (String[] f : fields) {
      width = Math.max(width, f[0].length());
    }
    for (String[] f : fields) {
      out.println(
          (f[0] + ":" + " ".repeat(width - f[0].length() + 2) + clean(f[1], MAX_FIELD))
              .stripTrailing());
    }
  }

  /** One line, no control characters, at most {@code max} characters. */
  static String clean(String value, int max) {
    StringBuilder b = new StringBuilder(Math.min(value.length(), max));
    value.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    if (b.length() > max) {
      return b.substring(0, max - 1) + "…";
    }
    return b.toString();
  }
}
