package dev.keygate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.admin.CreatedKey;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.KeyKind;
import dev.keygate.store.Deadline;
import dev.keygate.store.KeyLookup;
import dev.keygate.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * What the decision does when it cannot be made normally (a caller that has gone, an unreachable or
 * broken store, a throttled client) and what every decision reports.
 */
class AuthorizerFailuresTest extends AuthorizerFixture {
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
