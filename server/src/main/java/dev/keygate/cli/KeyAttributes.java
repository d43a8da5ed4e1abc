package dev.keygate.cli;

import com.google.protobuf.Timestamp;
import dev.keygate.api.v1.CalendarPeriod;
import dev.keygate.api.v1.CreditRefill;
import dev.keygate.api.v1.Credits;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RefillInterval;
import dev.keygate.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options describing a key, shared by {@code keys create} and {@code keys update}. The server
 * checks every bound; these options only turn text into the request's fields.
 */
final class KeyAttributes {
  @Option(names = "--name", paramLabel = "NAME", description = "Human-readable name, 1-128 chars.")
  String name;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      description = "Free text, at most 1024 characters.")
  String description;

  @Option(
      names = "--metadata",
      paramLabel = "KEY=VALUE",
      description = "A label (repeatable; at most 32).")
  Map<String, String> metadata;

  @Option(
      names = {"--scope", "--scopes"},
      split = ",",
      paramLabel = "SCOPE",
      description =
          "A scope to grant, resource:action or resource:* (repeatable, or comma-separated).")
  List<String> scopes;

  @Option(
      names = "--expires-at",
      paramLabel = "INSTANT",
      description = "Expiry as ISO-8601 UTC, e.g. 2027-01-31T00:00:00Z.")
  Instant expiresAt;

  @Option(
      names = "--expires-in",
      paramLabel = "DURATION",
      description = "Expiry from now, e.g. 90d, 12h.")
  String expiresIn;

  @Option(
      names = "--rate-limit",
      paramLabel = "N/PERIOD",
      converter = LimitConverter.class,
      description = "The key's own limit in the sidecar's default scope, e.g. 100/1m.")
  RateLimit rateLimit;

  @Option(
      names = "--limit",
      paramLabel = "N/PERIOD[:SCOPE]",
      converter = LimitConverter.class,
      description =
          "A further limit, scope local or global, e.g. 10000/1d:global, or a quota per UTC"
              + " calendar day or month, e.g. 300000/month:global (repeatable).")
  List<RateLimit> limits;

  @Option(
      names = "--credits",
      paramLabel = "N",
      description =
          "Credits (remaining uses): the balance to start from; each call spends its cost.")
  Long credits;

  @Option(
      names = "--refill",
      paramLabel = "N/daily|N/monthly[@DAY]",
      converter = RefillConverter.class,
      description =
          "How the credits refill (the balance is set to N): daily at 00:00 UTC, or monthly on"
              + " DAY (1-28, default 1) at 00:00 UTC. Needs --credits.")
  CreditRefill refill;

  /** The credits asked for, if any. */
  Optional<Credits> credits() {
    if (credits == null) {
      if (refill != null) {
        throw new CliException(ExitCode.USAGE, "--refill needs --credits");
      }
      return Optional.empty();
    }
    Credits.Builder b = Credits.newBuilder().setRemaining(credits);
    if (refill != null) {
      b.setRefill(refill);
    }
    return Optional.of(b.build());
  }

  /** The expiry asked for, if any. */
  Optional<Timestamp> expiry(Clock clock) {
    if (expiresAt != null && expiresIn != null) {
      throw new CliException(ExitCode.USAGE, "--expires-at and --expires-in: give one, not both");
    }
    if (expiresAt != null) {
      return Optional.of(timestamp(expiresAt));
    }
    if (expiresIn != null) {
      try {
        return Optional.of(timestamp(clock.instant().plus(Durations.parse(expiresIn))));
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCode.USAGE, "--expires-in: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /**
   * {@code <requests>/<period>[:local|:global]}; a period of {@code day} or {@code month} is a
   * calendar quota.
   */
  static final class LimitConverter implements ITypeConverter<RateLimit> {
    private static final Pattern LIMIT =
        Pattern.compile("(\\d{1,10})/([0-9a-z]+)(?::(local|global))?");

    @Override
    public RateLimit convert(String text) {
      Matcher m = LIMIT.matcher(text.strip().toLowerCase(Locale.ROOT));
      if (!m.matches() || Long.parseLong(m.group(1)) > Integer.MAX_VALUE) {
        throw new TypeConversionException(
            "'"
                + text
                + "' is not a limit like 100/1m, 10/1s:local, 10000/1d:global or 300000/month");
      }
      if (m.group(2).equals("day") || m.group(2).equals("month")) {
        RateLimit.Builder b =
            RateLimit.newBuilder()
                .setRequests(Integer.parseInt(m.group(1)))
                .setCalendar(
                    m.group(2).equals("day")
                        ? CalendarPeriod.CALENDAR_PERIOD_DAY
                        : CalendarPeriod.CALENDAR_PERIOD_MONTH);
        scope(b, m.group(3));
        return b.build();
      }
      Duration period;
      try {
        period = Durations.parse(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      RateLimit.Builder b =
          RateLimit.newBuilder()
              .setRequests(Integer.parseInt(m.group(1)))
              .setPeriod(
                  com.google.protobuf.Duration.newBuilder()
                      .setSeconds(period.getSeconds())
                      .setNanos(period.getNano()));
      scope(b, m.group(3));
      return b.build();
    }

    private static void scope(RateLimit.Builder b, String scope) {
      if (scope != null) {
        b.setScope(
            scope.equals("global") ? LimitScope.LIMIT_SCOPE_GLOBAL : LimitScope.LIMIT_SCOPE_LOCAL);
      }
    }
  }

  /** {@code <amount>/daily} or {@code <amount>/monthly[@<day>]}. */
  static final class RefillConverter implements ITypeConverter<CreditRefill> {
    private static final Pattern REFILL =
        Pattern.compile("(\\d{1,13})/(daily|monthly)(?:@(\\d{1,2}))?");

    @Override
    public CreditRefill convert(String text) {
      Matcher m = REFILL.matcher(text.strip().toLowerCase(Locale.ROOT));
      if (!m.matches() || (m.group(2).equals("daily") && m.group(3) != null)) {
        throw new TypeConversionException(
            "'" + text + "' is not a refill like 1000/daily, 50000/monthly or 50000/monthly@15");
      }
      return CreditRefill.newBuilder()
          .setAmount(Long.parseLong(m.group(1)))
          .setInterval(
              m.group(2).equals("daily")
                  ? RefillInterval.REFILL_INTERVAL_DAILY
                  : RefillInterval.REFILL_INTERVAL_MONTHLY)
          .setAnchorDay(m.group(3) == null ? 0 : Integer.parseInt(m.group(3)))
          .build();
    }
  }
}
