package dev.keygate.bench;

import java.util.Map;

/** The result as the Markdown table of docs/performance.md, targets checked. */
final class Summary {
  private Summary() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> result) {
    Map<String, Object> s = (Map<String, Object>) result.get("scenarios");
    StringBuilder out = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) result.get("machine");
    out.append("Machine: ")
        .append(machine.get("cpus"))
        .append(" CPUs (")
        .append(machine.get("cpu_model"))
        .append("), ")
        .append(machine.get("java"))
        .append("; load average before ")
        .append(result.get("load_average_before"))
        .append(", after ")
        .append(result.get("load_average_after"))
        .append("\n\n");
    out.append(
        "| Scenario | Baseline thr/s | Authorize thr/s | Thr ratio | p50 Δ µs | "
            + "Authorize p99 µs | Target | Met |\n|---|---|---|---|---|---|---|---|\n");
    row(out, s, "a_hot_keys", "(a) hot keys, cache hits", 0.85, 15, "≥ 0.85×, p50 +≤15 µs");
    row(out, s, "b_uniform", "(b) many keys, uniform", 0.5, Double.NaN, "≥ 0.5×, p99 ≤ 2 ms");
    row(out, s, "c_zipf", "(c) Zipf + 5 % unknown", Double.NaN, Double.NaN, "—");
    row(out, s, "e_admin_writes", "(e) hot keys + admin writes", Double.NaN, Double.NaN, "—");
    row(out, s, "g_cache_off", "(g) cache off, every call reads Redis", 0.6, Double.NaN, "≥ 0.6×");
    row(
        out,
        s,
        "j_allowlist_hits",
        "(j) hot keys + 8-CIDR allowlist + 2 local limits",
        0.9,
        Double.NaN,
        "≥ 0.9×");
    row(
        out,
        s,
        "k_credits_hits",
        "(k) hot keys with credits (a Redis round trip each)",
        Double.NaN,
        Double.NaN,
        "— (reported)");
    out.append('\n');
    Map<String, Object> a = (Map<String, Object>) s.get("a_hot_keys");
    if (a != null) {
      Map<String, Object> open = (Map<String, Object>) a.get("open_loop");
      double p99 = num(((Map<String, Object>) open.get("authorize")).get("p99_us"));
      out.append(
          String.format(
              "- (a) open loop at %.0f %% of Authorize peak (%.0f/s): Authorize p99 "
                  + "%.0f µs, baseline p99 %.0f µs (target ≤ 1000 µs: %s)%n",
              num(open.get("share_of_authorize_peak")) * 100,
              num(open.get("rate_per_s")),
              p99,
              num(((Map<String, Object>) open.get("baseline")).get("p99_us")),
              p99 <= 1000 ? "met" : "MISSED"));
      if (a.containsKey("redis_key_reads_during_hits")) {
        out.append("- (a) Redis key reads (HGETALL) during the measured cache-hit phase: ")
            .append(a.get("redis_key_reads_during_hits"))
            .append("; all commands: ")
            .append(a.get("redis_commands_during_hits"))
            .append('\n');
      }
    }
    Map<String, Object> b = (Map<String, Object>) s.get("b_uniform");
    if (b != null) {
      double bytes = num(b.get("redis_bytes_per_key"));
      double p99 = num(((Map<String, Object>) b.get("authorize")).get("p99_us"));
      out.append(
          String.format(
              "- (b) %s keys seeded in %.0f s; Redis memory %.0f bytes/key "
                  + "(target ≤ 250: %s); Authorize p99 %.0f µs (target ≤ 2000: %s)%n",
              b.get("keys"),
              num(b.get("seed_seconds")),
              bytes,
              bytes <= 250 ? "met" : "MISSED",
              p99,
              p99 <= 2000 ? "met" : "MISSED"));
    }
    Map<String, Object> d = (Map<String, Object>) s.get("d_rate_limit");
    if (d != null) {
      out.append(
          String.format(
              "- (d) 64 clients, one key limited to %s/s for %.1f s: admitted %s, "
                  + "at most %s allowed (%s); %s limited%n",
              d.get("limit_per_second"),
              num(d.get("seconds")),
              d.get("admitted"),
              d.get("admitted_max_allowed"),
              Boolean.TRUE.equals(d.get("within_limit")) ? "met" : "MISSED",
              d.get("limited")));
    }
    Map<String, Object> e = (Map<String, Object>) s.get("e_admin_writes");
    if (e != null) {
      out.append("- (e) admin writes during the run: ")
          .append(e.get("admin_writes"))
          .append(" (errors ")
          .append(e.get("admin_write_errors"))
          .append(")\n");
    }
    Map<String, Object> f = (Map<String, Object>) s.get("f_revocation");
    if (f != null) {
      double p99 = num(f.get("p99_ms"));
      out.append(
          String.format(
              "- (f) revocation seen by the second instance, %s rounds: p50 %.2f ms,"
                  + " p99 %.2f ms, max %.2f ms (target p99 ≤ 100 ms: %s); denied on the first check after"
                  + " RevokeKey returned: %s of %s (after RevokeKey's answer: p50 %.2f ms, p99 %.2f ms,"
                  + " one Authorize round trip included)%n",
              f.get("rounds"),
              num(f.get("p50_ms")),
              p99,
              num(f.get("max_ms")),
              p99 <= 100 ? "met" : "MISSED",
              f.get("denied_on_first_check_after_revoke"),
              f.get("rounds"),
              num(f.get("after_return_p50_ms")),
              num(f.get("after_return_p99_ms"))));
    }
    Map<String, Object> g = (Map<String, Object>) s.get("g_cache_off");
    if (g != null && g.containsKey("redis_key_reads_per_call")) {
      out.append(
          String.format(
              "- (g) %s keys (%s); Redis key reads per measured Authorize call: %.2f%n",
              g.get("keys"), g.get("keys_from"), num(g.get("redis_key_reads_per_call"))));
    }
    Map<String, Object> h = (Map<String, Object>) s.get("h_hung_redis");
    if (h != null) {
      out.append(hung(h));
    }
    return out.toString();
  }

  /** Scenario (h) as a few lines: both rounds, then the recovery. */
  @SuppressWarnings("unchecked")
  static String hung(Map<String, Object> h) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "- (h) hung Redis (SIGSTOP), %s concurrent Authorize calls per round for %s uncached"
                + " keys, deadline %s ms; keygate threads before: %s%n",
            h.get("calls_per_round"),
            h.get("uncached_keys"),
            h.get("deadline_ms"),
            h.get("threads_before")));
    for (String round : new String[] {"round1", "round2"}) {
      Map<String, Object> r = (Map<String, Object>) h.get(round);
      if (r == null) {
        continue;
      }
      long wrong = ((Number) r.get("wrong_ok")).longValue();
      out.append(
          String.format(
              "  - %s%s: answers p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; %.0f %%"
                  + " within 10 ms; %s; wrong OKs %d (%s); threads max %s during, %s 1 s after%n",
              round,
              round.equals("round2") ? " (Redis still stopped)" : "",
              num(r.get("p50_ms")),
              num(r.get("p90_ms")),
              num(r.get("p99_ms")),
              num(r.get("max_ms")),
              num(r.get("within_10ms")) * 100,
              r.get("outcomes"),
              wrong,
              wrong == 0 ? "met" : "MISSED",
              r.get("threads_max_during"),
              r.get("threads_1s_after")));
    }
    Object recovery = h.get("recovery_ms");
    out.append(
        String.format(
            "  - after SIGCONT: a good key allowed again after %s (%s polls, every 10 ms: %s);"
                + " threads 1 s later: %s%n",
            recovery == null ? "— (not within 60 s)" : String.format("%.0f ms", num(recovery)),
            h.get("recovery_polls"),
            h.get("recovery_poll_outcomes"),
            h.get("threads_after_recovery")));
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static void row(
      StringBuilder out,
      Map<String, Object> s,
      String name,
      String label,
      double minRatio,
      double maxP50Delta,
      String target) {
    Map<String, Object> r = (Map<String, Object>) s.get(name);
    if (r == null) {
      return;
    }
    Map<String, Object> base = (Map<String, Object>) r.get("baseline");
    Map<String, Object> authz = (Map<String, Object>) r.get("authorize");
    double ratio = num(r.get("throughput_ratio"));
    double p50 = num(r.get("p50_delta_us"));
    String met = "—";
    if (!Double.isNaN(minRatio)) {
      boolean ok = ratio >= minRatio && (Double.isNaN(maxP50Delta) || p50 <= maxP50Delta);
      met = ok ? "met" : "MISSED";
    }
    out.append(
        String.format(
            "| %s | %.0f | %.0f | %.2f | %+.0f | %.0f | %s | %s |%n",
            label,
            num(base.get("throughput_per_s")),
            num(authz.get("throughput_per_s")),
            ratio,
            p50,
            num(authz.get("p99_us")),
            target,
            met));
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
