package dev.keygate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.access.Cidr;
import dev.keygate.access.IpAllowlist;
import dev.keygate.access.ProjectAllowlists;
import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.Deadline;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.store.KeyLookup;
import dev.keygate.store.StoreUnavailableException;
import dev.keygate.testing.MutableClock;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.throttle.ThrottleSettings;
import dev.keygate.usage.UsageRecorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each step of the decision on its own, with the exact reason, message and metadata it answers: the
 * throttle, the admin credential, the environment, the secret, the key's state, the project quota,
 * a caller that has gone, an unreachable store, and what every decision reports.
 */
class AuthorizerStepsTest {
  private static final String ADMIN = "admin-token-0123456789";
  private static final String CLIENT = "192.0.2.7";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final InMemoryKeyStore store = new InMemoryKeyStore();
  private final KeyFormat format = new KeyFormat("kg", new SecureRandom());
  private final KeyHasher hasher =
      new KeyHasher("pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private final UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
  private final KeyService keys = new KeyService(store, format, hasher, clock, KeyKind.LIVE, 10);
  private final FailureThrottle throttle =
      FailureThrottle.of(
          ThrottleSettings.fromEnv(
              Map.of("KEYGATE_AUTH_FAILURE_LIMIT", "2", "KEYGATE_AUTH_FAILURE_WINDOW", "1m")),
          clock);
  private final List<String> observed = new ArrayList<>();
  private final DecisionObserver observer =
      new DecisionObserver() {
        @Override
        public void allowed(Surface surface, long nanos) {
          observed.add("allowed " + surface.label() + " " + (nanos > 0));
        }

        @Override
        public void denied(
            Surface surface,
            Decision.Denied denied,
            ApiKeyRecord key,
            String requestId,
            long nanos) {
          observed.add(
              "denied "
                  + surface.label()
                  + " "
                  + denied.reason()
                  + " "
                  + (key == null ? "-" : key.id())
                  + " "
                  + requestId);
        }
      };

  private Authorizer authorizer(KeyLookup lookup, List<KeyLimit> projectLimits) {
    return new Authorizer(
        format,
        hasher,
        lookup,
        new LimitEvaluator(
            new RateLimits(), Optional.empty(), false, null, projectLimits, Clock.systemUTC()),
        usage,
        clock,
        KeyKind.LIVE,
        throttle,
        observer,
        AdminToken.of(ADMIN),
        Duration.ofSeconds(1),
        ProjectAllowlists.NONE);
  }

  private final Authorizer authorizer = authorizer(store.reader(), List.of());

  @AfterEach
  void close() {
    usage.close();
  }

  private CreatedKey create(KeyKind kind, Instant expiresAt) {
    return keys.create(
        Caller.ADMIN_TOKEN,
        new NewKey("acme", "k", "", Map.of(), List.of("tasks:read"), kind, expiresAt, null, null));
  }

  private static Decision decide(Authorizer a, String key, Call call) {
    CompletableFuture<Decision> d = a.decide(key, List.of(), call).toCompletableFuture();
    assertTrue(d.isDone());
    return d.join();
  }

  private Decision decide(String key, Surface surface) {
    return decide(authorizer, key, new Call(surface, CLIENT, "req-1"));
  }

  private static Decision.Denied denied(Decision d) {
    return assertInstanceOf(Decision.Denied.class, d);
  }

  @Test
  void decide_adminSurfaceWithoutCredential_saysHowToPresentOne() {
    Decision.Denied d = denied(decide(null, Surface.ADMIN));
    assertEquals(Reason.KEY_MISSING, d.reason());
    assertEquals("KeyAdmin needs 'authorization: Bearer <admin token or API key>'", d.message());
    Decision.Denied plain = denied(decide("", Surface.AUTHORIZE));
    assertEquals(Reason.KEY_MISSING, plain.reason());
    assertEquals(Reason.KEY_MISSING.summary(), plain.message());
  }

  @Test
  void decide_adminToken_acceptedOnlyOnTheAdminSurface() {
    assertInstanceOf(Decision.AdminTokenAccepted.class, decide(ADMIN, Surface.ADMIN));
    assertEquals(Reason.KEY_MALFORMED, denied(decide(ADMIN, Surface.AUTHORIZE)).reason());
    assertEquals(
        Reason.ADMIN_CREDENTIAL_INVALID, denied(decide(ADMIN + "x", Surface.ADMIN)).reason());
  }

  @Test
  void adminToken_noneAndNullMatchNothing() {
    assertSame(AdminToken.none(), AdminToken.of(null));
    assertEquals(false, AdminToken.none().matches(ADMIN));
    assertEquals(true, AdminToken.of(ADMIN).matches(ADMIN));
    assertEquals(false, AdminToken.of(ADMIN).matches(ADMIN + " "));
  }

  @Test
  void decide_keyOfTheOtherEnvironment_mismatch() {
    CreatedKey test = create(KeyKind.TEST, null);
    Decision.Denied d = denied(decide(test.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_ENVIRONMENT_MISMATCH, d.reason());
    assertEquals("this sidecar accepts live keys only", d.message());
  }

  @Test
  void decide_rightIdWrongSecret_unknownAndNotNamed() {
    CreatedKey key = create(KeyKind.LIVE, null);
    String forged = format.newSecret(KeyKind.LIVE, key.key().id());
    Decision.Denied d = denied(decide(forged, Surface.AUTHORIZE));
    assertEquals(Reason.KEY_UNKNOWN, d.reason());
    assertEquals(Map.of(), d.metadata());
    assertEquals(List.of("denied authorize KEY_UNKNOWN - req-1"), observed);
  }

  @Test
  void decide_expiredKey_expiredWithItsId() {
    CreatedKey key = create(KeyKind.LIVE, clock.instant().plusSeconds(60));
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), Surface.AUTHORIZE));
    clock.advance(Duration.ofSeconds(60));
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_EXPIRED, d.reason());
    assertEquals(Reason.KEY_EXPIRED.summary(), d.message());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
  }

  @Test
  void decide_revokedKey_revokedWithItsId() {
    CreatedKey key = create(KeyKind.LIVE, null);
    keys.revoke(Caller.ADMIN_TOKEN, key.key().id(), "leak");
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_REVOKED, d.reason());
    assertEquals("the API key was revoked", d.message());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
  }

  @Test
  void decide_disabledKey_disabledUntilEnabled() {
    CreatedKey key = create(KeyKind.LIVE, null);
    keys.disable(Caller.ADMIN_TOKEN, key.key().id(), "pause");
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.KEY_DISABLED, d.reason());
    assertEquals(Map.of("key_id", key.key().id()), d.metadata());
    keys.enable(Caller.ADMIN_TOKEN, key.key().id());
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), Surface.AUTHORIZE));
  }

  @Test
  void decide_projectQuotaUsedUp_namesTheProject() {
    Authorizer quota =
        authorizer(
            store.reader(),
            List.of(new KeyLimit(new RateLimitSpec(1, Duration.ofMinutes(1)), LimitScope.LOCAL)));
    CreatedKey key = create(KeyKind.LIVE, null);
    Call call = new Call(Surface.AUTHORIZE, CLIENT, "");
    assertInstanceOf(Decision.Allowed.class, decide(quota, key.secret(), call));
    Decision.Denied d = denied(decide(quota, key.secret(), call));
    assertEquals(Reason.RATE_LIMITED, d.reason());
    assertEquals("project acme quota of 1 per 1m (local) reached", d.message());
    assertEquals(
        Map.of(
            "key_id", key.key().id(),
            "limit", "1",
            "period", "1m",
            "scope", "local",
            "subject", "project",
            "project", "acme"),
        d.metadata());
  }

  @Test
  void decide_callerDeadlinePassed_unavailableAndNothingSpent() {
    CreatedKey key = create(KeyKind.LIVE, null);
    Call gone = new Call(Surface.AUTHORIZE, CLIENT, "", Deadline.after(Duration.ZERO));
    assertEquals(Reason.STORE_UNAVAILABLE, denied(decide(authorizer, key.secret(), gone)).reason());
    assertEquals(0, usage.pendingKeys());
  }

  @Test
  void decide_storeUnreachable_unavailableFailClosed() {
    KeyLookup unreachable =
        (id, deadline) ->
            CompletableFuture.failedFuture(new StoreUnavailableException("down", null));
    CreatedKey key = create(KeyKind.LIVE, null);
    Decision.Denied d = denied(decide(authorizer(unreachable, List.of()), key.secret(), call()));
    assertEquals(Reason.STORE_UNAVAILABLE, d.reason());
    assertEquals(List.of("denied authorize STORE_UNAVAILABLE - "), observed);
  }

  private static Call call() {
    return new Call(Surface.AUTHORIZE, CLIENT, "");
  }

  @Test
  void decide_unauthenticatedAnswersCountTowardTheThrottle() {
    CreatedKey key = create(KeyKind.LIVE, null);
    decide("kg_live_garbage", Surface.AUTHORIZE);
    decide(null, Surface.AUTHORIZE);
    Decision.Denied d = denied(decide(key.secret(), Surface.AUTHORIZE));
    assertEquals(Reason.AUTH_FAILURES_THROTTLED, d.reason());
    assertEquals(Duration.ofMinutes(1), d.retryAfter());
    assertEquals("too many failed authentications from this client; retry in 60 s", d.message());
    clock.advance(Duration.ofMillis(59_001));
    assertEquals(
        "too many failed authentications from this client; retry in 1 s",
        denied(decide(key.secret(), Surface.AUTHORIZE)).message());
  }

  @Test
  void decide_permissionDenialsDoNotCountTowardTheThrottle() {
    CreatedKey key = create(KeyKind.LIVE, null);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          Reason.SCOPE_MISSING,
          denied(decide(authorizer, key.secret(), call(), List.of("tasks:write"))).reason());
    }
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), Surface.AUTHORIZE));
  }

  private static Decision decide(Authorizer a, String key, Call call, List<String> scopes) {
    return a.decide(key, scopes, call).toCompletableFuture().join();
  }

  @Test
  void decide_everyDecisionObserved() {
    CreatedKey key = create(KeyKind.LIVE, null);
    decide(key.secret(), Surface.ENVOY);
    decide(null, Surface.HTTP);
    decide(key.secret(), Surface.AUTHORIZE);
    assertEquals(
        List.of("allowed envoy true", "denied http KEY_MISSING - req-1", "allowed authorize true"),
        observed);
  }

  @Test
  void observeDenied_reportedAndThrottled() {
    Decision.Denied refusal = Decision.Denied.of(Reason.KEY_MALFORMED);
    authorizer.observeDenied(new Call(Surface.ENVOY, CLIENT, "r"), refusal);
    authorizer.observeDenied(new Call(Surface.ENVOY, CLIENT, "r"), refusal);
    assertEquals(
        List.of("denied envoy KEY_MALFORMED - r", "denied envoy KEY_MALFORMED - r"), observed);
    assertEquals(Reason.AUTH_FAILURES_THROTTLED, denied(decide("x", Surface.AUTHORIZE)).reason());
  }

  private CreatedKey createFenced(String cidr) {
    return keys.create(
        Caller.ADMIN_TOKEN,
        new NewKey(
            "acme",
            "k",
            "",
            Map.of(),
            List.of("tasks:read"),
            KeyKind.LIVE,
            null,
            null,
            null,
            null,
            IpAllowlist.parse("allowed_cidrs", List.of(cidr))));
  }

  private static Call from(String address) {
    return new Call(
        Surface.AUTHORIZE,
        CLIENT,
        "",
        Deadline.none(),
        Optional.of(Cidr.literal(address).orElseThrow()));
  }

  @Test
  void decide_keyWithAllowlist_onlyFromInsideIt() {
    CreatedKey key = createFenced("192.0.2.0/24");
    assertInstanceOf(Decision.Allowed.class, decide(authorizer, key.secret(), from("192.0.2.200")));
    Decision.Denied outside = denied(decide(authorizer, key.secret(), from("198.51.100.1")));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, outside.reason());
    assertEquals("the API key may not be used from 198.51.100.1", outside.message());
    assertEquals(
        Map.of("key_id", key.key().id(), "client_address", "198.51.100.1"), outside.metadata());
  }

  @Test
  void decide_keyWithAllowlist_unknownAddressRefused() {
    CreatedKey key = createFenced("192.0.2.0/24");
    Decision.Denied d = denied(decide(authorizer, key.secret(), call()));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, d.reason());
    assertEquals("the API key may not be used from unknown", d.message());
  }

  @Test
  void decide_addressCheckedBeforeScopes() {
    CreatedKey key = createFenced("192.0.2.0/24");
    Decision d = decide(authorizer, key.secret(), from("198.51.100.1"), List.of("billing:write"));
    assertEquals(Reason.CLIENT_ADDRESS_NOT_ALLOWED, denied(d).reason());
  }

  @Test
  void decide_storeTimeout_unavailable() {
    KeyLookup slow =
        (id, deadline) -> CompletableFuture.failedFuture(new TimeoutException("no answer"));
    CreatedKey key = create(KeyKind.LIVE, null);
    assertEquals(
        Reason.STORE_UNAVAILABLE,
        denied(decide(authorizer(slow, List.of()), key.secret(), call())).reason());
  }

  @Test
  void decide_unexpectedLookupFailure_failsTheDecisionWithIt() {
    IllegalStateException bug = new IllegalStateException("bug");
    KeyLookup broken = (id, deadline) -> CompletableFuture.failedFuture(bug);
    CreatedKey key = create(KeyKind.LIVE, null);
    CompletableFuture<Decision> d =
        authorizer(broken, List.of()).decide(key.secret(), List.of(), call()).toCompletableFuture();
    CompletionException e = assertThrows(CompletionException.class, d::join);
    assertSame(bug, e.getCause());
    Exception checked = new Exception("checked");
    KeyLookup odd = (id, deadline) -> CompletableFuture.failedFuture(checked);
    CompletionException wrapped =
        assertThrows(
            CompletionException.class,
            authorizer(odd, List.of()).decide(key.secret(), List.of(), call()).toCompletableFuture()
                ::join);
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void decide_throttledClient_observedWithoutTiming() {
    decide(null, Surface.AUTHORIZE);
    decide(null, Surface.AUTHORIZE);
    observed.clear();
    assertEquals(Reason.AUTH_FAILURES_THROTTLED, denied(decide("x", Surface.ENVOY)).reason());
    assertEquals(List.of("denied envoy AUTH_FAILURES_THROTTLED - req-1"), observed);
  }

  @Test
  void denied_toException_carriesEverything() {
    Decision.Denied d =
        new Decision.Denied(
            Reason.RATE_LIMITED, "slow down", Map.of("limit", "5"), Duration.ofSeconds(3));
    KeygateException e = d.toException();
    assertEquals(Reason.RATE_LIMITED, e.reason());
    assertEquals("slow down", e.getMessage());
    assertEquals(Map.of("limit", "5"), e.metadata());
    assertEquals(Duration.ofSeconds(3), e.retryAfter());
  }

  @Test
  void call_nullsBecomeNone() {
    Call c = new Call(Surface.HTTP, null, null, null, null);
    assertEquals("", c.requestId());
    assertSame(Deadline.none(), c.deadline());
    assertEquals(Optional.empty(), c.address());
    assertNull(c.client());
  }
}
