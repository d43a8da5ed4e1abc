package dev.keygate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.access.ProjectAllowlists;
import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.error.Reason;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.MutableClock;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.usage.UsageRecorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decision path alone: no gRPC, the in-memory store, a hand-moved clock. */
class AuthorizerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final InMemoryKeyStore store = new InMemoryKeyStore();
  private final KeyFormat format = new KeyFormat("kg", new SecureRandom());
  private final KeyHasher hasher =
      new KeyHasher("pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  private final UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
  private final Authorizer authorizer =
      new Authorizer(
          format,
          hasher,
          store.reader(),
          new LimitEvaluator(
              new RateLimits(clock), Optional.empty(), false, null, List.of(), clock),
          usage,
          clock,
          KeyKind.LIVE,
          FailureThrottle.disabled(),
          DecisionObserver.NONE,
          AdminToken.none(),
          Duration.ofSeconds(1),
          ProjectAllowlists.NONE);
  private final KeyService keys = new KeyService(store, format, hasher, clock, KeyKind.LIVE, 10);

  @AfterEach
  void close() {
    usage.close();
  }

  private CreatedKey create(List<String> scopes, RateLimitSpec limit) {
    return keys.create(
        Caller.ADMIN_TOKEN, new NewKey("acme", "k", "", Map.of(), scopes, null, null, limit, null));
  }

  /** The in-memory store answers on the calling thread: the decision is complete on return. */
  private Decision decide(String key, List<String> scopes) {
    CompletableFuture<Decision> decision =
        authorizer.decide(key, scopes, Call.of(Surface.AUTHORIZE)).toCompletableFuture();
    assertTrue(decision.isDone(), "an in-memory decision completes on the calling thread");
    return decision.join();
  }

  private Reason deniedReason(Decision d) {
    return assertInstanceOf(Decision.Denied.class, d).reason();
  }

  @Test
  void decide_allowedCountsUsageDeniedDoesNot() {
    CreatedKey key = create(List.of("tasks:read"), null);
    Decision ok = decide(key.secret(), List.of("tasks:read"));
    assertEquals(key.key().id(), assertInstanceOf(Decision.Allowed.class, ok).key().id());
    assertEquals(1, usage.pendingKeys());
    usage.flush();
    assertEquals(Reason.SCOPE_MISSING, deniedReason(decide(key.secret(), List.of("tasks:write"))));
    assertEquals(0, usage.pendingKeys());
  }

  @Test
  void decide_allowedWithoutLimitReportsNoLimitState() {
    CreatedKey key = create(List.of("tasks:read"), null);
    assertNull(((Decision.Allowed) decide(key.secret(), List.of())).limit());
  }

  @Test
  void decide_previousSecretWorksOnlyDuringGrace() {
    CreatedKey original = create(List.of("tasks:read"), null);
    CreatedKey rotated =
        keys.rotate(Caller.ADMIN_TOKEN, original.key().id(), Duration.ofMinutes(5));
    assertInstanceOf(Decision.Allowed.class, decide(original.secret(), List.of()));
    assertInstanceOf(Decision.Allowed.class, decide(rotated.secret(), List.of()));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(Reason.KEY_REVOKED, deniedReason(decide(original.secret(), List.of())));
    // a second rotation forgets the first secret altogether
    CreatedKey third = keys.rotate(Caller.ADMIN_TOKEN, original.key().id(), Duration.ofMinutes(5));
    assertEquals(Reason.KEY_UNKNOWN, deniedReason(decide(original.secret(), List.of())));
    assertInstanceOf(Decision.Allowed.class, decide(rotated.secret(), List.of()));
    assertInstanceOf(Decision.Allowed.class, decide(third.secret(), List.of()));
  }

  @Test
  void decide_revocationWinsOverGrace() {
    CreatedKey original = create(List.of("tasks:read"), null);
    CreatedKey rotated = keys.rotate(Caller.ADMIN_TOKEN, original.key().id(), Duration.ofDays(1));
    keys.revoke(Caller.ADMIN_TOKEN, original.key().id(), "incident");
    assertEquals(Reason.KEY_REVOKED, deniedReason(decide(original.secret(), List.of())));
    assertEquals(Reason.KEY_REVOKED, deniedReason(decide(rotated.secret(), List.of())));
  }

  @Test
  void decide_rateLimitedCarriesRetryAfterAndIsNotCounted() {
    CreatedKey key = create(List.of("tasks:read"), new RateLimitSpec(1, Duration.ofMinutes(1)));
    assertInstanceOf(Decision.Allowed.class, decide(key.secret(), List.of()));
    usage.flush();
    Decision.Denied denied =
        assertInstanceOf(Decision.Denied.class, decide(key.secret(), List.of()));
    assertEquals(Reason.RATE_LIMITED, denied.reason());
    assertEquals(key.key().id(), denied.metadata().get("key_id"));
    assertEquals("1m", denied.metadata().get("period"));
    assertEquals("rate limit of 1 per 1m (local) reached", denied.message());
    assertEquals(true, denied.retryAfter().compareTo(Duration.ofMinutes(1)) <= 0);
    assertEquals(0, usage.pendingKeys());
  }

  @Test
  void decide_keyOfPrefixNotConfiguredIsMalformed() {
    KeyFormat other = new KeyFormat("acme", new SecureRandom());
    String foreign = other.newSecret(KeyKind.LIVE, other.newKeyId());
    assertEquals(Reason.KEY_MALFORMED, deniedReason(decide(foreign, List.of())));
  }
}
