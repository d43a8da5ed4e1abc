package dev.keygate.ratelimit;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.keygate.api.v1.CalendarPeriod;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Calendar quotas (per UTC day or month) through KeyAdmin and Authorize on sidecars over a real
 * redis-server with frozen clocks: counted from the boundary, refused until it, whole again at it
 * (not sliding), and reported with the boundary as their reset.
 */
@ExtendWith(RedisServerExtension.class)
class CalendarQuotaTest {
  private final TestRedis redis;
  private final List<InProcessKeygate> sidecars = new ArrayList<>();

  CalendarQuotaTest(TestRedis redis) {
    this.redis = redis;
  }

  @AfterEach
  void close() {
    sidecars.forEach(InProcessKeygate::close);
  }

  private InProcessKeygate sidecar(String namespace, Map<String, String> env) {
    InProcessKeygate kg =
        InProcessKeygate.overRedis(redis.url(), namespace, Ticker.systemTicker(), env);
    sidecars.add(kg);
    return kg;
  }

  private static RateLimit quota(int requests, CalendarPeriod unit, LimitScope scope) {
    return RateLimit.newBuilder().setRequests(requests).setCalendar(unit).setScope(scope).build();
  }

  private static CreateKeyResponse create(InProcessKeygate kg, RateLimit... limits) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("quota")
                .addScopes("tasks:read")
                .addAllLimits(List.of(limits))
                .build());
  }

  private static CheckResponse check(InProcessKeygate kg, String secret) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build());
  }

  @Test
  void check_dailyQuota_globalAcrossSidecars_resetsAtMidnightUtc() {
    String ns = redis.newNamespace();
    InProcessKeygate a = sidecar(ns, Map.of());
    InProcessKeygate b = sidecar(ns, Map.of());
    CreateKeyResponse key =
        create(a, quota(3, CalendarPeriod.CALENDAR_PERIOD_DAY, LimitScope.LIMIT_SCOPE_GLOBAL));
    assertEquals(CalendarPeriod.CALENDAR_PERIOD_DAY, key.getKey().getLimits(0).getCalendar());
    assertFalse(key.getKey().getLimits(0).hasPeriod());

    CheckResponse first = check(a, key.getSecret());
    assertEquals(2, first.getRateLimit().getRemaining());
    assertEquals(CalendarPeriod.CALENDAR_PERIOD_DAY, first.getRateLimit().getCalendar());
    // the fixture's clocks read 2026-11-28T12:00:00Z: the quota resets at the next midnight
    assertEquals(
        Instant.parse("2026-11-29T00:00:00Z").getEpochSecond(),
        first.getRateLimit().getResetAt().getSeconds());
    check(b, key.getSecret());
    check(a, key.getSecret());
    com.google.rpc.Status refused =
        assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(b, key.getSecret()));
    ErrorInfo info = detail(refused, ErrorInfo.class);
    assertEquals("day", info.getMetadataOrThrow("period"));
    assertEquals("global", info.getMetadataOrThrow("scope"));
    assertEquals(43_200, detail(refused, RetryInfo.class).getRetryDelay().getSeconds());

    // an hour before midnight: still refused (a sliding window would have refilled by now)
    for (InProcessKeygate kg : List.of(a, b)) {
      kg.clock.advance(java.time.Duration.ofHours(11));
    }
    assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(a, key.getSecret()));
    for (InProcessKeygate kg : List.of(a, b)) {
      kg.clock.advance(java.time.Duration.ofHours(1));
    }
    // at midnight: the whole quota again
    assertEquals(2, check(b, key.getSecret()).getRateLimit().getRemaining());
  }

  @Test
  void check_monthlyProjectQuotaFromSettings_sharedByTheProjectsKeys_resetsOnTheFirst() {
    String ns = redis.newNamespace();
    InProcessKeygate kg =
        sidecar(ns, Map.of("KEYGATE_PROJECT_RATE_LIMITS", "global:2/month,local:2/day"));
    CreateKeyResponse one = create(kg);
    CreateKeyResponse two = create(kg);
    check(kg, one.getSecret());
    CheckResponse second = check(kg, two.getSecret());
    assertEquals("project", second.getRateLimit().getSubject());
    com.google.rpc.Status refused =
        assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(kg, one.getSecret()));
    assertEquals("project", detail(refused, ErrorInfo.class).getMetadataOrThrow("subject"));
    // 2026-11-28T12:00Z to 2026-12-01T00:00Z
    kg.clock.advance(java.time.Duration.ofHours(60));
    CheckResponse fresh = check(kg, two.getSecret());
    // tied at 1 left with the local daily quota: the one resetting later is the tightest
    assertEquals(1, fresh.getRateLimit().getRemaining());
    assertEquals(CalendarPeriod.CALENDAR_PERIOD_MONTH, fresh.getRateLimit().getCalendar());
    assertEquals(
        Instant.parse("2027-01-01T00:00:00Z").getEpochSecond(),
        fresh.getRateLimit().getResetAt().getSeconds());
    assertEquals(0, check(kg, one.getSecret()).getRateLimit().getRemaining());
  }

  @Test
  void check_localDailyQuota_resetsAtMidnight() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    CreateKeyResponse key =
        create(kg, quota(1, CalendarPeriod.CALENDAR_PERIOD_DAY, LimitScope.LIMIT_SCOPE_LOCAL));
    check(kg, key.getSecret());
    assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(kg, key.getSecret()));
    kg.clock.advance(java.time.Duration.ofHours(12));
    assertEquals(0, check(kg, key.getSecret()).getRateLimit().getRemaining());
  }

  @Test
  void createKey_calendarQuotaWithAPeriodOrAnUnknownUnit_isAFieldViolation() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    RateLimit both =
        quota(5, CalendarPeriod.CALENDAR_PERIOD_MONTH, LimitScope.LIMIT_SCOPE_GLOBAL).toBuilder()
            .setPeriod(Duration.newBuilder().setSeconds(60))
            .build();
    com.google.rpc.Status status =
        assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> create(kg, both));
    assertEquals("limits[0]", detail(status, BadRequest.class).getFieldViolations(0).getField());
    RateLimit unknown =
        RateLimit.newBuilder()
            .setRequests(5)
            .setCalendarValue(9)
            .setScope(LimitScope.LIMIT_SCOPE_GLOBAL)
            .build();
    assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> create(kg, unknown));
    assertEquals(
        0,
        kg.admin()
            .listKeys(ListKeysRequest.newBuilder().setProject("acme").build())
            .getKeysCount());
  }
}
