package dev.keygate.cli;

import com.google.protobuf.Timestamp;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.KeyKind;
import dev.keygate.api.v1.KeyState;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** How keys, limits and times read in the text output. */
final class KeyView {
  private KeyView() {}

  /** One key, a field a line. */
  static void print(PrintWriter out, ApiKey key) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"id", key.getId()});
    f.add(new String[] {"project", key.getProject()});
    f.add(new String[] {"name", key.getName()});
    if (!key.getDescription().isEmpty()) {
      f.add(new String[] {"description", key.getDescription()});
    }
    f.add(new String[] {"state", state(key.getState())});
    f.add(new String[] {"kind", kind(key.getKind())});
    f.add(new String[] {"prefix", key.getPrefix()});
    f.add(new String[] {"scopes", String.join(" ", key.getScopesList())});
    f.add(new String[] {"limits", limits(key)});
    f.add(new String[] {"credits", credits(key)});
    f.add(new String[] {"created", time(key.hasCreatedAt(), key.getCreatedAt())});
    f.add(new String[] {"expires", key.hasExpiresAt() ? time(true, key.getExpiresAt()) : "never"});
    if (key.hasUpdatedAt()) {
      f.add(new String[] {"updated", time(true, key.getUpdatedAt())});
    }
    if (key.hasRotatedAt()) {
      f.add(new String[] {"rotated", time(true, key.getRotatedAt())});
    }
    if (key.hasPreviousSecretExpiresAt()) {
      f.add(new String[] {"old secret until", time(true, key.getPreviousSecretExpiresAt())});
    }
    if (key.hasRevokedAt()) {
      String reason = key.getRevokeReason().isEmpty() ? "" : " (" + key.getRevokeReason() + ")";
      f.add(new String[] {"revoked", time(true, key.getRevokedAt()) + reason});
    }
    f.add(
        new String[] {
          "usage",
          key.getUsage().getTotal()
              + " total, "
              + key.getUsage().getToday()
              + " today, last "
              + (key.getUsage().hasLastUsedAt()
                  ? time(true, key.getUsage().getLastUsedAt())
                  : "never")
        });
    if (key.getMetadataCount() > 0) {
      List<String> pairs = new ArrayList<>();
      new TreeMap<>(key.getMetadataMap()).forEach((k, v) -> pairs.add(k + "=" + v));
      f.add(new String[] {"metadata", String.join(" ", pairs)});
    }
    Table.fields(out, f);
  }

  /** Keys in a table, a row each. */
  static void list(PrintWriter out, List<ApiKey> keys) {
    Table t = new Table("ID", "NAME", "STATE", "KIND", "SCOPES", "LIMITS", "EXPIRES", "LAST USED");
    for (ApiKey k : keys) {
      t.row(
          k.getId(),
          k.getName(),
          state(k.getState()),
          kind(k.getKind()),
          String.join(" ", k.getScopesList()),
          limits(k),
          k.hasExpiresAt() ? time(true, k.getExpiresAt()) : "never",
          k.getUsage().hasLastUsedAt() ? time(true, k.getUsage().getLastUsedAt()) : "never");
    }
    t.print(out);
  }

  static String state(KeyState state) {
    return lower(state.name(), "KEY_STATE_");
  }

  static String kind(KeyKind kind) {
    return lower(kind.name(), "KEY_KIND_");
  }

  /** {@code 100/1m}, with the scope when it is not the default: {@code 1000/1h:global}. */
  static String limit(RateLimit l) {
    Duration period = Duration.ofSeconds(l.getPeriod().getSeconds(), l.getPeriod().getNanos());
    String scope =
        l.getScope() == LimitScope.LIMIT_SCOPE_UNSPECIFIED
            ? ""
            : ":" + lower(l.getScope().name(), "LIMIT_SCOPE_");
    String per =
        switch (l.getCalendar()) {
          case CALENDAR_PERIOD_DAY -> "day";
          case CALENDAR_PERIOD_MONTH -> "month";
          default -> Durations.format(period);
        };
    return l.getRequests() + "/" + per + scope;
  }

  /** {@code 42}, with its refill: {@code 42 (refills to 100 daily, next 2026-11-29T00:00:00Z)}. */
  static String credits(ApiKey key) {
    if (!key.hasCredits()) {
      return "unmetered";
    }
    var c = key.getCredits();
    if (!c.hasRefill()) {
      return Long.toString(c.getRemaining());
    }
    var r = c.getRefill();
    String interval =
        r.getInterval() == dev.keygate.api.v1.RefillInterval.REFILL_INTERVAL_DAILY
            ? "daily"
            : "monthly on day " + r.getAnchorDay();
    return c.getRemaining()
        + " (refills to "
        + r.getAmount()
        + " "
        + interval
        + ", next "
        + time(r.hasNextRefillAt(), r.getNextRefillAt())
        + ")";
  }

  static String limits(ApiKey key) {
    List<String> all = new ArrayList<>();
    if (key.hasRateLimit()) {
      all.add(limit(key.getRateLimit()));
    }
    key.getLimitsList().forEach(l -> all.add(limit(l)));
    return all.isEmpty() ? "default" : String.join(" ", all);
  }

  /** ISO-8601 UTC, to the second; "-" when unset. */
  static String time(boolean set, Timestamp t) {
    if (!set) {
      return "-";
    }
    return Instant.ofEpochSecond(t.getSeconds()).toString();
  }

  static String lower(String name, String prefix) {
    return name.startsWith(prefix)
        ? name.substring(prefix.length()).toLowerCase(Locale.ROOT)
        : name.toLowerCase(Locale.ROOT);
  }
}
