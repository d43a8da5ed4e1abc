package dev.keygate.bench;

import java.util.List;
import java.util.Map;

/** Just enough JSON output for result files: maps, lists, strings, numbers, booleans. */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, "");
    return out.append('\n').toString();
  }

  private static void write(StringBuilder out, Object v, String indent) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> map) {
      out.append("{");
      String inner = indent + "  ";
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(first ? "\n" : ",\n").append(inner);
        string(out, String.valueOf(e.getKey()));
        out.append(": ");
        write(out, e.getValue(), inner);
        first = false;
      }
      out.append(first ? "}" : "\n" + indent + "}");
    } else if (v instanceof List<?> list) {
      out.append("[");
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        write(out, list.get(i), indent);
      }
      out.append("]");
    } else if (v instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : String.format("%.4f", d));
    } else if (v instanceof Number || v instanceof Boolean) {
      out.append(v);
    } else {
      string(out, v.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
