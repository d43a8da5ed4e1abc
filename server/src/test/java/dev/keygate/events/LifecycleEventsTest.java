package dev.keygate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportKeysResponse;
import dev.keygate.api.v1.ImportedKey;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.EventIds;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two sidecars on one real redis-server, each with its own frozen clock moved by hand: every
 * lifecycle event lands in the audit trail exactly once, also when a sidecar dies between claiming
 * an event and finishing it.
 */
@ExtendWith(RedisServerExtension.class)
class LifecycleEventsTest {
  private static final Map<String, String> FAST =
      Map.of(
          "KEYGATE_EVENTS_TICK",
          "10ms",
          "KEYGATE_EVENTS_CLAIM_LEASE",
          "1m",
          "KEYGATE_IMPORT_KEY_PREFIXES",
          "sk_live_");

  private final String namespace;
  private final InProcessKeygate a;
  private final InProcessKeygate b;

  LifecycleEventsTest(TestRedis redis) {
    namespace = redis.newNamespace();
    a = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), FAST);
    b = InProcessKeygate.overRedis(redis.url(), namespace, new FakeTicker(), FAST);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private void advanceBoth(Duration d) {
    a.clock.advance(d);
    b.clock.advance(d);
  }

  /** Waits until both sidecars finished two more claiming rounds: all they could claim is done. */
  private void settle() {
    long ra = lifecycle(a).rounds();
    long rb = lifecycle(b).rounds();
    Eventually.await(
        "both sidecars claim twice more",
        () -> lifecycle(a).rounds() >= ra + 2 && lifecycle(b).rounds() >= rb + 2);
  }

  private static LifecycleEvents lifecycle(InProcessKeygate k) {
    return k.app.events().lifecycle();
  }

  private List<AuditEvent> events(String action) {
    return a.app.auditLog().after("acme", EventIds.START, AuditLog.MAX_READ).stream()
        .filter(e -> e.action().equals(action))
        .toList();
  }

  private String createExpiring(InProcessKeygate on, Duration in) {
    Instant at = on.clock.instant().plus(in);
    return on.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("expiring")
                .addScopes("orders:read")
                .setExpiresAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
                .build())
        .getKey()
        .getId();
  }

  @Test
  void expiringAndExpired_eachEmittedOnceAcrossTwoSidecars() {
    String id = createExpiring(a, Duration.ofDays(20));
    settle();
    assertEquals(List.of(), events(AuditEvent.KEY_EXPIRING), "not due yet");

    advanceBoth(Duration.ofDays(6).plusMinutes(1)); // 14 days before the expiry have begun
    Eventually.await("key.expiring", () -> events(AuditEvent.KEY_EXPIRING).size() == 1);
    settle();
    List<AuditEvent> expiring = events(AuditEvent.KEY_EXPIRING);
    assertEquals(1, expiring.size());
    assertEquals(id, expiring.get(0).keyId());
    assertEquals(AuditEvent.KEYGATE_ACTOR, expiring.get(0).actor());
    assertEquals(AuditEvent.LIFECYCLE_SURFACE, expiring.get(0).surface());
    assertEquals(List.of(), events(AuditEvent.KEY_EXPIRED));

    advanceBoth(Duration.ofDays(14));
    Eventually.await("key.expired", () -> events(AuditEvent.KEY_EXPIRED).size() == 1);
    settle();
    assertEquals(1, events(AuditEvent.KEY_EXPIRED).size());
    assertEquals(1, events(AuditEvent.KEY_EXPIRING).size());
    // in the broadcast trail as well, once each
    assertEquals(
        2,
        a.app.auditLog().after(AuditLog.ALL, EventIds.START, AuditLog.MAX_READ).stream()
            .filter(e -> e.surface().equals(AuditEvent.LIFECYCLE_SURFACE))
            .count());
  }

  @Test
  void revokedKey_raisesNoExpiryEvents() {
    String id = createExpiring(a, Duration.ofDays(20));
    a.admin().revokeKey(RevokeKeyRequest.newBuilder().setId(id).build());
    advanceBoth(Duration.ofDays(30));
    settle();
    assertEquals(List.of(), events(AuditEvent.KEY_EXPIRING));
    assertEquals(List.of(), events(AuditEvent.KEY_EXPIRED));
  }

  @Test
  void sidecarKilledMidClaim_eventTakenOverOnceAfterTheLease() {
    String id = createExpiring(b, Duration.ofDays(20));
    Instant expiringDue = b.clock.instant().plus(Duration.ofDays(6).plusMinutes(1));
    Instant expiredDue = b.clock.instant().plus(Duration.ofDays(20).plusMinutes(1));
    // a third sidecar, killed right after its moves: only its Redis state remains
    RedisAuditLog shared = (RedisAuditLog) a.app.auditLog();
    RedisDueEvents killed = new RedisDueEvents(shared.commands(), namespace);
    // it claimed key.expiring and died before appending
    List<String> claimed = killed.claim(expiringDue, expiringDue.plus(Duration.ofMinutes(1)), 10);
    assertEquals(1, claimed.size());
    advanceBoth(Duration.ofDays(6).plusMinutes(1));
    settle();
    assertEquals(List.of(), events(AuditEvent.KEY_EXPIRING), "the claim is still leased");
    advanceBoth(Duration.ofMinutes(2));
    Eventually.await("taken over", () -> events(AuditEvent.KEY_EXPIRING).size() == 1);
    // appended first, marked done after: until then a claim "at expiry" would find its lease over
    Eventually.await("key.expiring done", () -> killed.pending() == 1);

    // it claimed key.expired, appended it, and died before marking it done
    List<String> second = killed.claim(expiredDue, expiredDue.plus(Duration.ofMinutes(1)), 10);
    assertEquals(1, second.size());
    String[] parts = second.get(0).split("\\|");
    assertEquals(AuditEvent.KEY_EXPIRED, parts[0]);
    shared.appendOnce(
        second.get(0),
        new AuditEvent(
            "",
            expiredDue,
            AuditEvent.KEY_EXPIRED,
            AuditEvent.OK,
            AuditEvent.KEYGATE_ACTOR,
            id,
            "acme",
            "",
            AuditEvent.LIFECYCLE_SURFACE,
            0));
    advanceBoth(Duration.ofDays(14).plusMinutes(3));
    settle();
    assertEquals(1, events(AuditEvent.KEY_EXPIRED).size(), "reclaimed, appended no second time");
    assertEquals(1, events(AuditEvent.KEY_EXPIRING).size());
    assertEquals(0, new RedisDueEvents(shared.commands(), namespace).pending());
  }

  @Test
  void creditsSpent_namesThePeriodOnlyBelowTheThreshold() {
    String id = a.createKey("orders:read").getKey().getId();
    ApiKeyRecord key = a.app.store().find(id).orElseThrow();
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<String> period =
        () -> {
          asked.incrementAndGet();
          return "2026-11";
        };
    lifecycle(a).creditsSpent(key, 50, 100, period);
    assertEquals(0, asked.get(), "above 10% left: nothing to report, no period built");
    lifecycle(a).creditsSpent(key, 5, 100, period);
    assertEquals(1, asked.get());
    Eventually.await("credits.low", () -> events(AuditEvent.CREDITS_LOW).size() == 1);
  }

  @Test
  void creditsSpent_raisesLowAndExhaustedOncePerKeyAndPeriodAcrossSidecars() {
    String id = a.createKey("orders:read").getKey().getId();
    ApiKeyRecord key = a.app.store().find(id).orElseThrow();
    for (InProcessKeygate k : List.of(a, b)) {
      lifecycle(k).creditsSpent(key, 50, 100);
      lifecycle(k).creditsSpent(key, 11, 100);
    }
    settle();
    assertEquals(List.of(), events(AuditEvent.CREDITS_LOW), "above 10% remain");

    for (InProcessKeygate k : List.of(a, b)) {
      lifecycle(k).creditsSpent(key, 10, 100);
      lifecycle(k).creditsSpent(key, 3, 100);
      lifecycle(k).creditsSpent(key, 0, 100);
      lifecycle(k).creditsSpent(key, 0, 100);
    }
    Eventually.await("credit events", () -> events(AuditEvent.CREDITS_EXHAUSTED).size() >= 1);
    settle();
    assertEquals(1, events(AuditEvent.CREDITS_LOW).size());
    assertEquals(1, events(AuditEvent.CREDITS_EXHAUSTED).size());
    assertEquals(id, events(AuditEvent.CREDITS_LOW).get(0).keyId());

    // the next refill period reports again
    lifecycle(b).creditsSpent(key, 5, 100, "2026-12");
    Eventually.await("next period", () -> events(AuditEvent.CREDITS_LOW).size() == 2);
  }

  @Test
  void importedKeyWithExpiry_raisesExpiryEventsLikeACreatedOne() {
    Instant at = b.clock.instant().plus(Duration.ofDays(3));
    ImportKeysResponse answer =
        b.admin()
            .importKeys(
                ImportKeysRequest.newBuilder()
                    .addKeys(
                        ImportedKey.newBuilder()
                            .setExternalId("legacy-1")
                            .setPlainSecret("sk_live_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6")
                            .setKey(
                                CreateKeyRequest.newBuilder()
                                    .setProject("acme")
                                    .setName("imported")
                                    .addScopes("orders:read")
                                    .setExpiresAt(
                                        Timestamp.newBuilder().setSeconds(at.getEpochSecond()))))
                    .build());
    String id = answer.getResults(0).getKeyId();
    // within the 14-day lead already: key.expiring at once
    Eventually.await("key.expiring", () -> events(AuditEvent.KEY_EXPIRING).size() == 1);
    assertEquals(id, events(AuditEvent.KEY_EXPIRING).get(0).keyId());
    advanceBoth(Duration.ofDays(3).plusSeconds(1));
    Eventually.await("key.expired", () -> events(AuditEvent.KEY_EXPIRED).size() == 1);
  }
}
