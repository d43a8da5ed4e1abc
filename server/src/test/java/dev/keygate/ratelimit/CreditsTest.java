package dev.keygate.ratelimit;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
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
import dev.keygate.api.v1.CreditRefill;
import dev.keygate.api.v1.Credits;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.RefillInterval;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Credits through KeyAdmin and Authorize on two sidecars sharing one real redis-server, their
 * clocks frozen together: spent by cost, exhausted with its own reason, refilled at the day and
 * month boundaries, never overspent by two sidecars spending at once.
 */
@ExtendWith(RedisServerExtension.class)
class CreditsTest {
  private final TestRedis redis;
  private final String namespace;
  private final InProcessKeygate a;
  private final InProcessKeygate b;

  CreditsTest(TestRedis redis) {
    this.redis = redis;
    this.namespace = redis.newNamespace();
    this.a = InProcessKeygate.overRedis(redis.url(), namespace, Ticker.systemTicker(), Map.of());
    this.b = InProcessKeygate.overRedis(redis.url(), namespace, Ticker.systemTicker(), Map.of());
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private void advance(Duration d) {
    a.clock.advance(d);
    b.clock.advance(d);
  }

  private CreateKeyResponse create(Credits credits) {
    return a.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("metered")
                .addScopes("tasks:read")
                .setCredits(credits)
                .build());
  }

  private static Credits credits(long remaining) {
    return Credits.newBuilder().setRemaining(remaining).build();
  }

  private static Credits refilling(long remaining, long amount, RefillInterval interval) {
    return Credits.newBuilder()
        .setRemaining(remaining)
        .setRefill(CreditRefill.newBuilder().setAmount(amount).setInterval(interval))
        .build();
  }

  private static CheckResponse check(InProcessKeygate kg, String secret, int cost) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).setCost(cost).build());
  }

  private static CheckResponse check(InProcessKeygate kg, String secret) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build());
  }

  private long balance(String id) {
    return a.admin()
        .getKey(GetKeyRequest.newBuilder().setId(id).build())
        .getCredits()
        .getRemaining();
  }

  @Test
  void listKeys_showsEachMeteredKeysOwnBalance_readTogether() {
    CreateKeyResponse ten = create(credits(10));
    CreateKeyResponse twenty = create(credits(20));
    String plain =
        a.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("unmetered")
                    .addScopes("tasks:read")
                    .build())
            .getKey()
            .getId();
    CreateKeyResponse thirty = create(credits(30));
    check(b, twenty.getSecret(), 1);
    check(a, thirty.getSecret(), 3);

    Map<String, ApiKey> listed = new java.util.HashMap<>();
    a.admin()
        .listKeys(ListKeysRequest.newBuilder().setProject("acme").build())
        .getKeysList()
        .forEach(k -> listed.put(k.getId(), k));
    assertEquals(10, listed.get(ten.getKey().getId()).getCredits().getRemaining());
    assertEquals(19, listed.get(twenty.getKey().getId()).getCredits().getRemaining());
    assertEquals(27, listed.get(thirty.getKey().getId()).getCredits().getRemaining());
    assertFalse(listed.get(plain).hasCredits());
  }

  @Test
  void check_spendsCostUntilExhausted_thenCreditsExhaustedWithNothingSpent() {
    CreateKeyResponse key = create(credits(10));
    String secret = key.getSecret();
    assertEquals(10, key.getKey().getCredits().getRemaining());

    assertEquals(7, check(a, secret, 3).getCredits().getRemaining());
    assertEquals(6, check(b, secret).getCredits().getRemaining());
    assertEquals(1, check(a, secret, 5).getCredits().getRemaining());
    // 2 > 1: refused, and the refused call spends nothing
    com.google.rpc.Status status =
        assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(b, secret, 2));
    ErrorInfo info = detail(status, ErrorInfo.class);
    assertEquals("1", info.getMetadataOrThrow("credits_remaining"));
    assertFalse(info.containsMetadata("next_refill_at"), "these credits never refill");
    assertEquals(
        "key:" + key.getKey().getId(),
        detail(status, QuotaFailure.class).getViolations(0).getSubject());
    assertEquals(1, balance(key.getKey().getId()));
    // what is left still pays for a call it covers
    assertEquals(0, check(a, secret, 1).getCredits().getRemaining());
    assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(a, secret));
  }

  @Test
  void check_dailyRefill_atTheUtcDayBoundary() {
    // the fixture's clocks start at 2026-11-28T12:00:00Z
    CreateKeyResponse key = create(refilling(2, 5, RefillInterval.REFILL_INTERVAL_DAILY));
    String secret = key.getSecret();
    check(a, secret, 2);
    com.google.rpc.Status status =
        assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(b, secret));
    assertEquals(
        "2026-11-29T00:00:00Z",
        detail(status, ErrorInfo.class).getMetadataOrThrow("next_refill_at"));
    assertEquals(
        Duration.ofHours(12).getSeconds(),
        detail(status, RetryInfo.class).getRetryDelay().getSeconds());

    advance(Duration.ofHours(12).minusSeconds(1));
    assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(a, secret));
    advance(Duration.ofSeconds(1));
    CheckResponse refilled = check(b, secret);
    // set to the refill amount, not added to: 5, less this call
    assertEquals(4, refilled.getCredits().getRemaining());
    assertEquals(
        Instant.parse("2026-11-30T00:00:00Z").getEpochSecond(),
        refilled.getCredits().getNextRefillAt().getSeconds());
  }

  @Test
  void check_monthlyRefill_onItsAnchorDay() {
    Credits monthly =
        Credits.newBuilder()
            .setRemaining(1)
            .setRefill(
                CreditRefill.newBuilder()
                    .setAmount(3)
                    .setInterval(RefillInterval.REFILL_INTERVAL_MONTHLY)
                    .setAnchorDay(15))
            .build();
    CreateKeyResponse key = create(monthly);
    assertEquals(
        Instant.parse("2026-12-15T00:00:00Z").getEpochSecond(),
        key.getKey().getCredits().getRefill().getNextRefillAt().getSeconds());
    String secret = key.getSecret();
    check(a, secret);
    // 2026-12-01 is a month boundary but not the anchor: no refill
    advance(
        Duration.between(
            Instant.parse("2026-11-28T12:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
    assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(b, secret));
    advance(Duration.ofDays(14));
    assertEquals(2, check(b, secret).getCredits().getRemaining());
  }

  @Test
  void updateKey_setsTheBalanceAnew_andCanMakeTheKeyUnmetered() {
    CreateKeyResponse key = create(credits(1));
    String id = key.getKey().getId();
    check(a, key.getSecret());
    assertDenied(Code.RESOURCE_EXHAUSTED, "CREDITS_EXHAUSTED", () -> check(b, key.getSecret()));

    ApiKey topped =
        a.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(ApiKey.newBuilder().setId(id).setCredits(credits(50)))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("credits"))
                    .build());
    assertEquals(50, topped.getCredits().getRemaining());
    // b may still hold the old record until the invalidation lands; either way it never goes back
    // to the old balance once the new one was counted
    assertEquals(49, check(a, key.getSecret()).getCredits().getRemaining());
    assertEquals(49, balance(id));

    ApiKey unmetered =
        a.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(ApiKey.newBuilder().setId(id))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("credits"))
                    .build());
    assertFalse(unmetered.hasCredits());
    assertFalse(check(a, key.getSecret()).hasCredits());
    assertTrue(
        a.admin()
            .listKeys(ListKeysRequest.newBuilder().setProject("acme").build())
            .getKeys(0)
            .getCredits()
            .equals(Credits.getDefaultInstance()));
  }

  @Test
  void updateKey_aMeteredKeyCannotRefillItself_butMaySetAnothersWithinItsOwn() {
    CreateKeyResponse manager =
        a.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("manager")
                    .addScopes("keys:write")
                    .addScopes("keys:read")
                    .addScopes("tasks:read")
                    .setCredits(credits(10))
                    .build());
    String id = manager.getKey().getId();
    check(a, manager.getSecret(), 5);
    KeyAdminGrpc.KeyAdminBlockingStub asManager =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(a.channel()), manager.getSecret());
    UpdateKeyRequest refill =
        UpdateKeyRequest.newBuilder()
            .setKey(ApiKey.newBuilder().setId(id).setCredits(credits(10)))
            .setUpdateMask(FieldMask.newBuilder().addPaths("credits"))
            .build();
    com.google.rpc.Status refused =
        assertDenied(
            Code.PERMISSION_DENIED, "CONSTRAINT_LOOSENED", () -> asManager.updateKey(refill));
    assertEquals("credits", detail(refused, ErrorInfo.class).getMetadataOrThrow("fields"));
    // 10 - 5 - the refused call's own credit (a KeyAdmin credential is metered too): not refilled
    assertEquals(4, balance(id));

    // another key of its project: within its own credits, allowed
    String other = create(credits(0)).getKey().getId();
    ApiKey set =
        asManager.updateKey(
            UpdateKeyRequest.newBuilder()
                .setKey(ApiKey.newBuilder().setId(other).setCredits(credits(10)))
                .setUpdateMask(FieldMask.newBuilder().addPaths("credits"))
                .build());
    assertEquals(10, set.getCredits().getRemaining());
  }

  @Test
  void check_twoSidecarsSpendingAtOnce_neverOverspend() throws Exception {
    int credits = 300;
    CreateKeyResponse key = create(credits(credits));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        InProcessKeygate kg = w % 2 == 0 ? a : b;
        workers.add(
            pool.submit(
                () -> {
                  int allowed = 0;
                  for (int i = 0; i < 60; i++) {
                    try {
                      check(kg, key.getSecret());
                      allowed++;
                    } catch (StatusRuntimeException e) {
                      assertEquals(Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
                    }
                  }
                  return allowed;
                }));
      }
      int allowed = 0;
      for (Future<Integer> f : workers) {
        allowed += f.get();
      }
      // 480 tries for 300 credits: exactly 300 pass, none more, none lost
      assertEquals(credits, allowed);
      assertEquals(0, balance(key.getKey().getId()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badInput_aFieldViolationAndNothingStored() {
    long before =
        a.admin().listKeys(ListKeysRequest.newBuilder().setProject("acme").build()).getKeysCount();
    com.google.rpc.Status negative =
        assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> create(credits(-1)));
    assertEquals(
        "credits.remaining", detail(negative, BadRequest.class).getFieldViolations(0).getField());
    com.google.rpc.Status noInterval =
        assertDenied(
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            () ->
                create(
                    Credits.newBuilder()
                        .setRemaining(5)
                        .setRefill(CreditRefill.newBuilder().setAmount(5))
                        .build()));
    assertEquals(
        "credits.refill.interval",
        detail(noInterval, BadRequest.class).getFieldViolations(0).getField());
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () ->
            create(
                Credits.newBuilder()
                    .setRemaining(5)
                    .setRefill(
                        CreditRefill.newBuilder()
                            .setAmount(5)
                            .setInterval(RefillInterval.REFILL_INTERVAL_MONTHLY)
                            .setAnchorDay(29))
                    .build()));
    assertEquals(
        before,
        a.admin().listKeys(ListKeysRequest.newBuilder().setProject("acme").build()).getKeysCount());

    String secret = create(credits(5)).getSecret();
    for (int cost : new int[] {0, LimitEvaluator.MAX_COST + 1, -1}) {
      com.google.rpc.Status status =
          assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> check(a, secret, cost));
      assertEquals("cost", detail(status, BadRequest.class).getFieldViolations(0).getField());
    }
    // nothing was spent by the refused requests
    assertEquals(4, check(a, secret).getCredits().getRemaining());
  }
}
