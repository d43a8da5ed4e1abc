package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several limits per key, each local or global, and project quotas, through KeyAdmin and Authorize
 * on a sidecar over a real Redis: what is stored, which limit is reported as the tightest, which
 * one a refusal names and when it says to retry.
 */
@ExtendWith(RedisServerExtension.class)
class MultipleLimitsTest {
  private final TestRedis redis;
  private final List<InProcessKeygate> sidecars = new ArrayList<>();

  MultipleLimitsTest(TestRedis redis) {
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

  private static RateLimit limit(int requests, long seconds, LimitScope scope) {
    return RateLimit.newBuilder()
        .setRequests(requests)
        .setPeriod(Duration.newBuilder().setSeconds(seconds))
        .setScope(scope)
        .build();
  }

  private static CreateKeyRequest.Builder request(String project) {
    return CreateKeyRequest.newBuilder().setProject(project).setName("k").addScopes("tasks:read");
  }

  private static CheckResponse check(InProcessKeygate kg, String secret) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build());
  }

  @Test
  void createKey_storesEveryLimitWithItsScope() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                request("acme")
                    .setRateLimit(limit(100, 60, LimitScope.LIMIT_SCOPE_UNSPECIFIED))
                    .addLimits(limit(20, 1, LimitScope.LIMIT_SCOPE_LOCAL))
                    .addLimits(limit(1000, 3600, LimitScope.LIMIT_SCOPE_GLOBAL))
                    .build());
    ApiKey read =
        kg.admin().getKey(GetKeyRequest.newBuilder().setId(created.getKey().getId()).build());
    assertEquals(100, read.getRateLimit().getRequests());
    assertEquals(
        List.of(
            limit(20, 1, LimitScope.LIMIT_SCOPE_LOCAL),
            limit(1000, 3600, LimitScope.LIMIT_SCOPE_GLOBAL)),
        read.getLimitsList());
  }

  @Test
  void check_reportsTheTightestLimit() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    String secret =
        kg.admin()
            .createKey(
                request("acme")
                    .addLimits(limit(3, 3600, LimitScope.LIMIT_SCOPE_LOCAL))
                    .addLimits(limit(10, 60, LimitScope.LIMIT_SCOPE_GLOBAL))
                    .build())
            .getSecret();
    // after one call: local 3/1h has 2 left, global 10/1m has 9 left -> the local one
    var state = check(kg, secret).getRateLimit();
    assertEquals(3, state.getLimit());
    assertEquals(2, state.getRemaining());
    assertEquals(3600, state.getPeriod().getSeconds());
    assertEquals(LimitScope.LIMIT_SCOPE_LOCAL, state.getScope());
    assertEquals("key", state.getSubject());
    check(kg, secret);
    assertEquals(0, check(kg, secret).getRateLimit().getRemaining());
    var status = assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(kg, secret));
    ErrorInfo info = detail(status, ErrorInfo.class);
    assertEquals("3", info.getMetadataOrThrow("limit"));
    assertEquals("local", info.getMetadataOrThrow("scope"));
    assertEquals("key", info.getMetadataOrThrow("subject"));
  }

  @Test
  void check_refusedByTwoGlobalLimits_namesTheOneWithTheLongestWait() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                request("acme")
                    .addLimits(limit(1, 60, LimitScope.LIMIT_SCOPE_GLOBAL))
                    .addLimits(limit(1, 3600, LimitScope.LIMIT_SCOPE_GLOBAL))
                    .build());
    var first = check(kg, created.getSecret()).getRateLimit();
    // both have 0 left; the hour's reset is further away, so it is the tightest
    assertEquals(0, first.getRemaining());
    assertEquals(3600, first.getPeriod().getSeconds());
    assertEquals(LimitScope.LIMIT_SCOPE_GLOBAL, first.getScope());
    var status =
        assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(kg, created.getSecret()));
    ErrorInfo info = detail(status, ErrorInfo.class);
    assertEquals("1h", info.getMetadataOrThrow("period"));
    assertEquals("global", info.getMetadataOrThrow("scope"));
    long retry = detail(status, RetryInfo.class).getRetryDelay().getSeconds();
    assertTrue(
        retry > 60 && retry <= 3600, "retry after the hour's limit, not the minute's: " + retry);
    assertEquals(
        "key:" + created.getKey().getId(),
        detail(status, QuotaFailure.class).getViolations(0).getSubject());
  }

  @Test
  void check_refusedByTwoLocalLimits_retriesAfterTheLongerOne() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    String secret =
        kg.admin()
            .createKey(
                request("acme")
                    .addLimits(limit(1, 60, LimitScope.LIMIT_SCOPE_LOCAL))
                    .addLimits(limit(1, 7200, LimitScope.LIMIT_SCOPE_LOCAL))
                    .build())
            .getSecret();
    check(kg, secret);
    var status = assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(kg, secret));
    assertEquals("2h", detail(status, ErrorInfo.class).getMetadataOrThrow("period"));
    assertTrue(detail(status, RetryInfo.class).getRetryDelay().getSeconds() > 60);
  }

  @Test
  void projectQuota_sharedByTheProjectsKeysAcrossSidecars() {
    String ns = redis.newNamespace();
    Map<String, String> env = Map.of("KEYGATE_PROJECT_RATE_LIMITS", "global:3/1h");
    InProcessKeygate a = sidecar(ns, env);
    InProcessKeygate b = sidecar(ns, env);
    String k1 = a.admin().createKey(request("shop").build()).getSecret();
    String k2 = a.admin().createKey(request("shop").build()).getSecret();
    String other = a.admin().createKey(request("blog").build()).getSecret();
    var first = check(a, k1).getRateLimit();
    assertEquals("project", first.getSubject());
    assertEquals(3, first.getLimit());
    assertEquals(2, first.getRemaining());
    check(b, k2);
    check(a, k2);
    var status = assertDenied(Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", () -> check(b, k1));
    ErrorInfo info = detail(status, ErrorInfo.class);
    assertEquals("project", info.getMetadataOrThrow("subject"));
    assertEquals("shop", info.getMetadataOrThrow("project"));
    assertEquals("project:shop", detail(status, QuotaFailure.class).getViolations(0).getSubject());
    // another project has a quota of its own
    assertEquals(2, check(b, other).getRateLimit().getRemaining());
  }

  @Test
  void projectQuota_localAndKeyLimitTogether_tightestWins() {
    InProcessKeygate kg =
        sidecar(redis.newNamespace(), Map.of("KEYGATE_PROJECT_RATE_LIMITS", "local:5/1h"));
    String secret =
        kg.admin()
            .createKey(
                request("shop").addLimits(limit(10, 3600, LimitScope.LIMIT_SCOPE_GLOBAL)).build())
            .getSecret();
    var state = check(kg, secret).getRateLimit();
    assertEquals(5, state.getLimit());
    assertEquals(LimitScope.LIMIT_SCOPE_LOCAL, state.getScope());
    assertEquals("project", state.getSubject());
  }

  @Test
  void createKey_invalidLimits_invalidArgumentNamingEachField() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    var scoped =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .createKey(
                        request("acme")
                            .setRateLimit(limit(5, 60, LimitScope.LIMIT_SCOPE_GLOBAL))
                            .build()));
    assertEquals(
        "rate_limit.scope", detail(scoped, BadRequest.class).getFieldViolations(0).getField());

    var duplicate =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .createKey(
                        request("acme")
                            .addLimits(limit(5, 60, LimitScope.LIMIT_SCOPE_GLOBAL))
                            .addLimits(limit(9, 60, LimitScope.LIMIT_SCOPE_GLOBAL))
                            .build()));
    assertEquals("limits[1]", detail(duplicate, BadRequest.class).getFieldViolations(0).getField());

    CreateKeyRequest.Builder many = request("acme");
    for (int i = 1; i <= 9; i++) {
      many.addLimits(limit(5, i, LimitScope.LIMIT_SCOPE_LOCAL));
    }
    var tooMany =
        assertDenied(
            Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> kg.admin().createKey(many.build()));
    assertTrue(
        detail(tooMany, BadRequest.class).getFieldViolationsList().stream()
            .anyMatch(v -> v.getField().equals("limits")),
        tooMany.toString());

    var badPeriod =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .createKey(
                        request("acme")
                            .addLimits(limit(5, 0, LimitScope.LIMIT_SCOPE_LOCAL))
                            .build()));
    assertEquals("limits[0]", detail(badPeriod, BadRequest.class).getFieldViolations(0).getField());
  }

  @Test
  void updateKey_limitsMaskReplacesTheListAndChecksItAgainstRateLimit() {
    InProcessKeygate kg = sidecar(redis.newNamespace(), Map.of());
    CreateKeyResponse created =
        kg.admin()
            .createKey(
                request("acme")
                    .setRateLimit(limit(100, 60, LimitScope.LIMIT_SCOPE_UNSPECIFIED))
                    .addLimits(limit(20, 1, LimitScope.LIMIT_SCOPE_LOCAL))
                    .build());
    String id = created.getKey().getId();
    ApiKey updated =
        kg.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(
                        ApiKey.newBuilder()
                            .setId(id)
                            .addLimits(limit(1000, 3600, LimitScope.LIMIT_SCOPE_GLOBAL)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("limits"))
                    .build());
    assertEquals(
        List.of(limit(1000, 3600, LimitScope.LIMIT_SCOPE_GLOBAL)), updated.getLimitsList());
    assertEquals(100, updated.getRateLimit().getRequests(), "rate_limit left alone");
    // an unscoped limit of the stored rate_limit's period would repeat it
    var clash =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                kg.admin()
                    .updateKey(
                        UpdateKeyRequest.newBuilder()
                            .setKey(
                                ApiKey.newBuilder()
                                    .setId(id)
                                    .addLimits(limit(7, 60, LimitScope.LIMIT_SCOPE_UNSPECIFIED)))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("limits"))
                            .build()));
    assertEquals("key.limits[0]", detail(clash, BadRequest.class).getFieldViolations(0).getField());
    ApiKey cleared =
        kg.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(ApiKey.newBuilder().setId(id))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("limits"))
                    .build());
    assertEquals(0, cleared.getLimitsCount());
  }
}
