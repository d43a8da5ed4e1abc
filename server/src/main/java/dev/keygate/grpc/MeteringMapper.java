package dev.keygate.grpc;

import dev.keygate.api.v1.CalendarPeriod;
import dev.keygate.api.v1.CreditRefill;
import dev.keygate.api.v1.CreditsState;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RateLimitState;
import dev.keygate.api.v1.RefillInterval;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitWindow;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.CreditBalance;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.LimitState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates what meters a key (rate limits, calendar quotas, credits) between keygate.v1 messages
 * and domain values, checking each request field on its own; counts and duplicates are the admin
 * validation's.
 */
final class MeteringMapper {
  private MeteringMapper() {}

  /** The single rate_limit (no scope of its own). */
  static RateLimit toProto(RateLimitSpec spec) {
    RateLimit.Builder b = RateLimit.newBuilder().setRequests(spec.requests());
    if (spec.isCalendar()) {
      b.setCalendar(toProto(spec.window()));
    } else {
      b.setPeriod(ProtoMapper.duration(spec.period()));
    }
    return b.build();
  }

  static RateLimit toProto(KeyLimit l) {
    return toProto(l.spec()).toBuilder().setScope(ProtoMapper.toProto(l.scope())).build();
  }

  static RateLimitState toProto(LimitState limit, Instant now) {
    RateLimitState.Builder b =
        RateLimitState.newBuilder()
            .setLimit(limit.spec().requests())
            .setRemaining(limit.remaining())
            .setResetAt(ProtoMapper.timestamp(now.plus(limit.resetAfter())))
            .setScope(ProtoMapper.toProto(limit.scope()))
            .setSubject(limit.subject().label());
    if (limit.spec().isCalendar()) {
      b.setCalendar(toProto(limit.spec().window()));
    } else {
      b.setPeriod(ProtoMapper.duration(limit.spec().period()));
    }
    return b.build();
  }

  /** A key's credits as KeyAdmin shows them, with the balance now. */
  static dev.keygate.api.v1.Credits toProto(Credits credits, long balance, Instant now) {
    dev.keygate.api.v1.Credits.Builder b =
        dev.keygate.api.v1.Credits.newBuilder().setRemaining(balance);
    credits
        .refill()
        .ifPresent(
            r ->
                b.setRefill(
                    CreditRefill.newBuilder()
                        .setAmount(r.amount())
                        .setInterval(
                            r.interval() == Credits.Interval.DAILY
                                ? RefillInterval.REFILL_INTERVAL_DAILY
                                : RefillInterval.REFILL_INTERVAL_MONTHLY)
                        .setAnchorDay(r.anchorDay())
                        .setNextRefillAt(ProtoMapper.timestamp(r.nextAt(now)))));
    return b.build();
  }

  /** A key's credits after a decision, for CheckResponse. */
  static CreditsState toProto(CreditBalance balance) {
    CreditsState.Builder b = CreditsState.newBuilder().setRemaining(balance.remaining());
    balance.nextRefill().ifPresent(at -> b.setNextRefillAt(ProtoMapper.timestamp(at)));
    return b.build();
  }

  private static CalendarPeriod toProto(LimitWindow window) {
    return window == LimitWindow.CALENDAR_DAY
        ? CalendarPeriod.CALENDAR_PERIOD_DAY
        : CalendarPeriod.CALENDAR_PERIOD_MONTH;
  }

  /** The single rate_limit: its scope is the sidecar's default and must not be given. */
  static RateLimitSpec rateLimit(String field, RateLimit limit) {
    if (limit.getScopeValue() != 0) {
      throw KeygateException.invalid(
          List.of(
              new FieldViolation(
                  field + ".scope",
                  "must be unset: rate_limit is counted in the sidecar's default scope; put a limit "
                      + "with its own scope into limits")));
    }
    return spec(field, limit);
  }

  /**
   * The repeated limits, each checked on its own. Entries past a generous bound are not converted,
   * so a flood of entries costs no more than one violation.
   */
  static List<KeyLimit> limits(String field, List<RateLimit> limits) {
    List<KeyLimit> out = new ArrayList<>();
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < limits.size() && i <= LimitEvaluator.MAX_KEY_LIMITS; i++) {
      RateLimit l = limits.get(i);
      String at = field + "[" + i + "]";
      try {
        dev.keygate.key.LimitScope scope =
            switch (l.getScope()) {
              case LIMIT_SCOPE_LOCAL -> dev.keygate.key.LimitScope.LOCAL;
              case LIMIT_SCOPE_GLOBAL -> dev.keygate.key.LimitScope.GLOBAL;
              case LIMIT_SCOPE_UNSPECIFIED -> dev.keygate.key.LimitScope.DEFAULT;
              default ->
                  throw KeygateException.invalid(
                      List.of(
                          new FieldViolation(
                              at + ".scope",
                              "must be LIMIT_SCOPE_LOCAL, LIMIT_SCOPE_GLOBAL or unset")));
            };
        out.add(new KeyLimit(spec(at, l), scope));
      } catch (KeygateException e) {
        violations.addAll(e.violations());
      }
    }
    if (limits.size() > LimitEvaluator.MAX_KEY_LIMITS) {
      // keep the count visible to the validation, which reports it
      violations.add(
          new FieldViolation(
              field,
              "must hold at most "
                  + LimitEvaluator.MAX_KEY_LIMITS
                  + " limits (rate_limit included)"));
    }
    if (!violations.isEmpty()) {
      throw KeygateException.invalid(violations);
    }
    return out;
  }

  /**
   * Requests above 2^31 - 1 (uint32 on the wire) read negative and are refused like any bad count.
   */
  private static RateLimitSpec spec(String field, RateLimit limit) {
    try {
      Optional<LimitWindow> window =
          switch (limit.getCalendar()) {
            case CALENDAR_PERIOD_UNSPECIFIED -> Optional.empty();
            case CALENDAR_PERIOD_DAY -> Optional.of(LimitWindow.CALENDAR_DAY);
            case CALENDAR_PERIOD_MONTH -> Optional.of(LimitWindow.CALENDAR_MONTH);
            default ->
                throw new IllegalArgumentException(
                    "calendar must be CALENDAR_PERIOD_DAY, CALENDAR_PERIOD_MONTH or unset");
          };
      if (window.isPresent()) {
        if (limit.hasPeriod()) {
          throw new IllegalArgumentException("a calendar quota has no period: leave it unset");
        }
        return RateLimitSpec.calendar(limit.getRequests(), window.get());
      }
      Duration period = ProtoMapper.requestDuration(field + ".period", limit.getPeriod());
      if (period.toNanosPart() % 1_000_000 != 0) {
        throw new IllegalArgumentException("period must be whole milliseconds");
      }
      return new RateLimitSpec(limit.getRequests(), period);
    } catch (IllegalArgumentException e) {
      throw KeygateException.invalid(List.of(new FieldViolation(field, e.getMessage())));
    }
  }

  /** Credits from CreateKey or UpdateKey; their generation is set when they are stored. */
  static Credits credits(String field, dev.keygate.api.v1.Credits c) {
    List<FieldViolation> violations = new ArrayList<>();
    if (c.getRemaining() < 0 || c.getRemaining() > Credits.MAX_CREDITS) {
      violations.add(
          new FieldViolation(field + ".remaining", "must be 0 to " + Credits.MAX_CREDITS));
    }
    Optional<Credits.Refill> refill = Optional.empty();
    if (c.hasRefill()) {
      CreditRefill r = c.getRefill();
      String at = field + ".refill";
      Credits.Interval interval =
          switch (r.getInterval()) {
            case REFILL_INTERVAL_DAILY -> Credits.Interval.DAILY;
            case REFILL_INTERVAL_MONTHLY -> Credits.Interval.MONTHLY;
            default -> null;
          };
      if (interval == null) {
        violations.add(
            new FieldViolation(
                at + ".interval", "must be REFILL_INTERVAL_DAILY or REFILL_INTERVAL_MONTHLY"));
      } else {
        int anchor =
            interval == Credits.Interval.MONTHLY && r.getAnchorDay() == 0 ? 1 : r.getAnchorDay();
        try {
          refill = Optional.of(new Credits.Refill(r.getAmount(), interval, anchor));
        } catch (IllegalArgumentException e) {
          violations.add(new FieldViolation(at, e.getMessage()));
        }
      }
    }
    if (!violations.isEmpty()) {
      throw KeygateException.invalid(violations);
    }
    return new Credits(c.getRemaining(), refill, 0);
  }
}
