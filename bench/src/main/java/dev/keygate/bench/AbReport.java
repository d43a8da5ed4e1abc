package dev.keygate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Branch against branch: the result files of runs against two server builds, made alternately in
 * one session (bench/ab.sh), as one side-by-side Markdown table. Every cell lists each run's figure
 * in run order ("a / b"), so the spread between runs of the same build stays visible next to the
 * difference between builds.
 *
 * <pre>
 * keygate-bench ab-report --out ab.md [--title T] [--load-start "1 5 15"] [--load-end ...]
 *     [--note text] LABEL=result.json ...
 * </pre>
 */
final class AbReport {
  private AbReport() {}

  /** One run: its label (the build) and its result file's content. */
  record Run(String label, Map<String, Object> result) {}

  static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        opts.put(args[i].substring(2), args[++i]);
      } else {
        int eq = args[i].indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("expected LABEL=result.json, got " + args[i]);
        }
        runs.add(new Run(args[i].substring(0, eq), read(Path.of(args[i].substring(eq + 1)))));
      }
    }
    if (!opts.containsKey("out") || runs.isEmpty()) {
      throw new IllegalArgumentException("usage: ab-report --out FILE LABEL=result.json ...");
    }
    String md =
        markdown(
            opts.getOrDefault("title", "A/B"),
            opts.get("load-start"),
            opts.get("load-end"),
            opts.get("note"),
            runs);
    Files.writeString(Path.of(opts.get("out")), md);
    System.out.print(md);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) throws Exception {
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  static String markdown(
      String title, String loadStart, String loadEnd, String note, List<Run> runs) {
    List<String> labels = new ArrayList<>();
    for (Run r : runs) {
      if (!labels.contains(r.label)) {
        labels.add(r.label);
      }
    }
    StringBuilder out = new StringBuilder("# ").append(title).append("\n\n");
    if (note != null) {
      out.append(note).append("\n\n");
    }
    out.append("Load average (1/5/15 min) at the start: ")
        .append(loadStart == null ? "—" : loadStart)
        .append("; at the end: ")
        .append(loadEnd == null ? "—" : loadEnd)
        .append(". Runs in order: ");
    Map<String, Integer> seen = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (Run r : runs) {
      int n = seen.merge(r.label, 1, Integer::sum);
      order.add(
          String.format(
              "%s %d (load %s → %s)",
              r.label,
              n,
              first(r.result.get("load_average_before")),
              first(r.result.get("load_average_after"))));
    }
    out.append(String.join(", ", order)).append(".\n\n");
    out.append("Each cell: one figure per run of that build, in run order.\n\n");

    out.append("| Figure | ").append(String.join(" | ", labels)).append(" |\n|---|");
    out.append("---|".repeat(labels.size())).append('\n');
    String[][] load = {
      {"a_hot_keys", "(a) hot keys, cache hits"},
      {"b_uniform", "(b) uniform, mostly misses"},
      {"g_cache_off", "(g) cache off (target ≥ 0.6×)"}
    };
    for (String[] sc : load) {
      if (runs.stream().noneMatch(r -> scenario(r, sc[0]) != null)) {
        continue;
      }
      row(
          out,
          labels,
          runs,
          sc[1] + ": baseline thr/s",
          r -> fmt0(at(r, sc[0], "baseline", "throughput_per_s")));
      row(
          out,
          labels,
          runs,
          sc[1] + ": Authorize thr/s",
          r -> fmt0(at(r, sc[0], "authorize", "throughput_per_s")));
      row(
          out,
          labels,
          runs,
          sc[1] + ": ratio vs baseline",
          r -> fmt2(at(r, sc[0], "throughput_ratio")));
      row(out, labels, runs, sc[1] + ": p50 Δ µs", r -> signed(at(r, sc[0], "p50_delta_us")));
      row(
          out,
          labels,
          runs,
          sc[1] + ": Authorize p99 µs",
          r -> fmt0(at(r, sc[0], "authorize", "p99_us")));
    }
    if (runs.stream().anyMatch(r -> scenario(r, "h_hung_redis") != null)) {
      for (String round : new String[] {"round1", "round2"}) {
        String name =
            "(h) hung Redis " + (round.equals("round1") ? "round 1" : "round 2 (still stopped)");
        row(
            out,
            labels,
            runs,
            name + ": answers p50/p90/p99/max ms",
            r ->
                String.format(
                    Locale.ROOT,
                    "%s/%s/%s/%s",
                    fmt0(at(r, "h_hung_redis", round, "p50_ms")),
                    fmt0(at(r, "h_hung_redis", round, "p90_ms")),
                    fmt0(at(r, "h_hung_redis", round, "p99_ms")),
                    fmt0(at(r, "h_hung_redis", round, "max_ms"))));
        row(
            out,
            labels,
            runs,
            name + ": share within 10 ms",
            r -> percent(at(r, "h_hung_redis", round, "within_10ms")));
        row(
            out,
            labels,
            runs,
            name + ": status codes",
            r -> outcomes(at(r, "h_hung_redis", round, "outcomes")));
        row(
            out,
            labels,
            runs,
            name + ": wrong OKs",
            r -> fmt0(at(r, "h_hung_redis", round, "wrong_ok")));
        row(
            out,
            labels,
            runs,
            name + ": max threads",
            r -> fmt0(at(r, "h_hung_redis", round, "threads_max")));
      }
      row(
          out,
          labels,
          runs,
          "(h) threads before / after recovery",
          r ->
              fmt0(at(r, "h_hung_redis", "threads_before"))
                  + "→"
                  + fmt0(at(r, "h_hung_redis", "threads_after_recovery")));
      row(
          out,
          labels,
          runs,
          "(h) recovery after SIGCONT, ms",
          r -> fmt0(at(r, "h_hung_redis", "recovery_ms")));
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      List<String> labels,
      List<Run> runs,
      String name,
      Function<Run, String> f) {
    out.append("| ").append(name).append(" |");
    for (String label : labels) {
      List<String> cells = new ArrayList<>();
      for (Run r : runs) {
        if (r.label.equals(label)) {
          cells.add(f.apply(r));
        }
      }
      out.append(' ').append(String.join(" / ", cells)).append(" |");
    }
    out.append('\n');
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> scenario(Run r, String name) {
    Object s = r.result.get("scenarios");
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m.get(name) : null;
  }

  /** The value at a path of map keys below the scenario, or null. */
  @SuppressWarnings("unchecked")
  static Object at(Run r, String scenario, String... path) {
    Object v = scenario(r, scenario);
    for (String p : path) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = ((Map<String, Object>) m).get(p);
    }
    return v;
  }

  static String fmt0(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%,.0f", n.doubleValue()) : "—";
  }

  static String fmt2(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%.2f", n.doubleValue()) : "—";
  }

  static String signed(Object v) {
    return v instanceof Number n ? String.format(Locale.ROOT, "%+,.0f", n.doubleValue()) : "—";
  }

  static String percent(Object v) {
    return v instanceof Number n
        ? String.format(Locale.ROOT, "%.0f %%", n.doubleValue() * 100)
        : "—";
  }

  /** {"DEADLINE_EXCEEDED": 2000} as "DEADLINE_EXCEEDED 2,000". */
  static String outcomes(Object v) {
    if (!(v instanceof Map<?, ?> m) || m.isEmpty()) {
      return "—";
    }
    List<String> parts = new ArrayList<>();
    m.forEach((k, n) -> parts.add(k + " " + fmt0(n)));
    return String.join(", ", parts);
  }

  private static String first(Object loadAverage) {
    return loadAverage == null ? "?" : loadAverage.toString().split(" ")[0];
  }
}
