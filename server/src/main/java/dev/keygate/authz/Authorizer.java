package dev.keygate.authz;

import dev.keygate.access.Cidr;
import dev.keygate.access.IpAllowlist;
import dev.keygate.access.ProjectAllowlists;
import dev.keygate.authz.Decision.AdminTokenAccepted;
import dev.keygate.authz.Decision.Allowed;
import dev.keygate.authz.Decision.Denied;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.ParsedKey;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.key.Scopes;
import dev.keygate.ratelimit.CreditBalance;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.LimitOwner;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.store.KeyLookup;
import dev.keygate.store.StoreUnavailableException;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.usage.UsageRecorder;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one decision call: every surface (Authorize.Check, Envoy ext_authz, KeyAdmin credentials)
 * maps its request to {@link #decide} and the {@link Decision} to its answer.
 *
 * <p>Steps, each cheap before the next: the client's failed-authentication throttle; the key's
 * presence, format and environment (floods of garbage never reach Redis); the record ({@link
 * KeyLookup}: from the cache at once, else when the store answers); the secret, compared in
 * constant time before the key's state is revealed, so someone without it learns only KEY_UNKNOWN;
 * the key's state and scopes; its rate limits. What memory can decide completes on the calling
 * thread; what needs the store completes when the store answers, and no thread waits for it.
 */
public final class Authorizer {
  private final KeyFormat format;
  private final KeyHasher hasher;
  private final KeyLookup keys;
  private final LimitEvaluator limits;
  private final UsageRecorder usage;
  private final Clock clock;
  private final KeyKind environment;
  private final FailureThrottle throttle;
  private final DecisionObserver observer;
  private final AdminToken adminToken;
  private final long maxStoreWaitNanos;
  private final ProjectAllowlists allowlists;

  /**
   * @param keys reads key records (the cache in front of the store)
   * @param limits applies the key's and its project's rate limits
   * @param environment the only key kind this sidecar accepts
   * @param throttle counts failed authentications per client
   * @param observer told about every decision (metrics, audit sampling)
   * @param adminToken accepted as a KeyAdmin credential
   * @param maxStoreWait longest a decision waits for the store without a deadline of its own
   * @param allowlists projects' default IP allowlists ({@code KEYGATE_PROJECT_ALLOWLISTS}), for
   *     keys without one of their own
   */
  public Authorizer(
      KeyFormat format,
      KeyHasher hasher,
      KeyLookup keys,
      LimitEvaluator limits,
      UsageRecorder usage,
      Clock clock,
      KeyKind environment,
      FailureThrottle throttle,
      DecisionObserver observer,
      AdminToken adminToken,
      Duration maxStoreWait,
      ProjectAllowlists allowlists) {
    this.allowlists = allowlists;
    this.format = format;
    this.hasher = hasher;
    this.keys = keys;
    this.limits = limits;
    this.usage = usage;
    this.clock = clock;
    this.environment = environment;
    this.throttle = throttle;
    this.observer = observer;
    this.adminToken = adminToken;
    this.maxStoreWaitNanos = maxStoreWait.toNanos();
  }

  /**
   * Decides whether {@code presentedKey} may make a call needing every one of {@code
   * requiredScopes}, counts the call against the key's limits when it may, and reports the decision
   * (metrics per surface and reason, denials sampled into the audit trail; every UNAUTHENTICATED
   * answer counts toward the client's throttle).
   *
   * @param presentedKey the credential as presented; null or empty when none was
   * @param requiredScopes already syntax-checked
   * @return completed already when memory could decide; never fails (an unreachable store is the
   *     STORE_UNAVAILABLE denial)
   */
  public CompletionStage<Decision> decide(
      String presentedKey, Collection<String> requiredScopes, Call call) {
    long start = System.nanoTime();
    Optional<Duration> throttled = throttle.check(call.client());
    if (throttled.isPresent()) {
      // refused before the key is parsed or the admin token compared: nothing can be guessed at
      // speed, and nothing more is counted
      Denied denied = throttledDenial(throttled.get());
      observer.denied(call.surface(), denied, null, call.requestId(), 0);
      return CompletableFuture.completedFuture(denied);
    }
    boolean admin = call.surface() == Surface.ADMIN;
    if (presentedKey == null || presentedKey.isEmpty()) {
      return done(call, start, admin ? ADMIN_KEY_MISSING : Denied.of(Reason.KEY_MISSING), null);
    }
    if (admin && adminToken.matches(presentedKey)) {
      return done(call, start, new AdminTokenAccepted(), null);
    }
    // not in keygate's format: maybe an imported key in another system's (imports/ForeignKeys)
    Optional<ParsedKey> parsed = format.parse(presentedKey).or(() -> keys.foreign(presentedKey));
    if (parsed.isEmpty()) {
      Reason reason = admin ? Reason.ADMIN_CREDENTIAL_INVALID : Reason.KEY_MALFORMED;
      return done(call, start, Denied.of(reason), null);
    }
    if (parsed.get().kind() != environment) {
      String message = "this sidecar accepts " + environment.label() + " keys only";
      return done(
          call, start, new Denied(Reason.KEY_ENVIRONMENT_MISMATCH, message, Map.of(), null), null);
    }
    ParsedKey key = parsed.get();
    // handle(), not exceptionally(): a refused read (the common case under strain) then costs no
    // CompletionException and its stack trace
    return keys.lookup(key.keyId(), call.deadline())
        .handle(
            (found, failure) ->
                failure == null
                    ? verify(found, key, requiredScopes, call)
                    : CompletableFuture.completedFuture(storeFailure(failure)))
        .thenCompose(outcome -> outcome)
        .handle(
            (outcome, failure) -> {
              Outcome o = failure == null ? outcome : storeFailure(failure);
              return report(call, start, o.decision(), o.matched());
            });
  }

  /**
   * Reports a refusal a surface made itself, before asking for a decision (an invalid request, a
   * route no key may take); an UNAUTHENTICATED one counts toward the client's throttle too.
   */
  public void observeDenied(Call call, Denied denied) {
    report(call, System.nanoTime(), denied, null);
  }

  private CompletionStage<Outcome> verify(
      Optional<ApiKeyRecord> found, ParsedKey presented, Collection<String> scopes, Call call) {
    if (call.deadline().expired()) {
      // the caller has gone (its deadline passed while the store answered): its call must not
      // spend from the key's limits nor count as a use
      return CompletableFuture.completedFuture(
          new Outcome(Denied.of(Reason.STORE_UNAVAILABLE), null));
    }
    Instant now = clock.instant();
    byte[] digest = hasher.digest(presented.secret());
    SecretMatch match = found.map(k -> SecretMatch.of(k, digest, now)).orElse(SecretMatch.NONE);
    if (match == SecretMatch.NONE) {
      return CompletableFuture.completedFuture(new Outcome(Denied.of(Reason.KEY_UNKNOWN), null));
    }
    // only now, with the secret proven, may a denial name the key (and its project's trail)
    ApiKeyRecord key = found.get();
    Optional<Denied> refused = refusal(key, match, now);
    if (refused.isEmpty()) {
      refused = addressRefusal(key, call);
    }
    if (refused.isEmpty()) {
      refused = scopeRefusal(key, scopes);
    }
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(new Outcome(refused.get(), key));
    }
    CompletableFuture<LimitEvaluator.Verdict> verdict = limits.evaluate(key, call.cost());
    if (!verdict.isDone()) {
      // a global limit waits for Redis: bounded like a read
      verdict.orTimeout(call.deadline().remainingNanos(maxStoreWaitNanos), TimeUnit.NANOSECONDS);
    }
    return verdict.thenApply(v -> new Outcome(admit(key, now, v), key));
  }

  /** The denial for the key's state; empty when it allows the call. */
  private static Optional<Denied> refusal(ApiKeyRecord key, SecretMatch match, Instant now) {
    Map<String, String> keyId = Map.of("key_id", key.id());
    if (key.isRevoked()) {
      return Optional.of(new Denied(Reason.KEY_REVOKED, "the API key was revoked", keyId, null));
    }
    if (match == SecretMatch.PREVIOUS_EXPIRED) {
      return Optional.of(
          new Denied(
              Reason.KEY_REVOKED,
              "the API key was replaced by rotation and its grace period has ended",
              keyId,
              null));
    }
    if (key.isExpiredAt(now)) {
      return Optional.of(new Denied(Reason.KEY_EXPIRED, Reason.KEY_EXPIRED.summary(), keyId, null));
    }
    if (key.isDisabled()) {
      // after revoked and expired (permanent states win), before scopes: a disabled key may not
      // learn what it could do
      return Optional.of(
          new Denied(Reason.KEY_DISABLED, Reason.KEY_DISABLED.summary(), keyId, null));
    }
    return Optional.empty();
  }

  /** The denial for scopes the key lacks; empty when it holds them all. */
  private static Optional<Denied> scopeRefusal(
      ApiKeyRecord key, Collection<String> requiredScopes) {
    List<String> missing = Scopes.missing(key.scopes(), requiredScopes);
    if (!missing.isEmpty()) {
      return Optional.of(
          new Denied(
              Reason.SCOPE_MISSING,
              "the API key lacks scope " + String.join(", ", missing),
              Map.of("key_id", key.id(), "missing_scopes", String.join(" ", missing)),
              null));
    }
    return Optional.empty();
  }

  /**
   * The denial for a client address outside the key's IP allowlist (its own, else its project's),
   * or one keygate cannot tell while the key has a list: fail closed. Checked before the scopes, so
   * a stolen key used from elsewhere cannot probe which scopes it holds.
   */
  private Optional<Denied> addressRefusal(ApiKeyRecord key, Call call) {
    IpAllowlist allowlist = allowlists.of(key.project(), key.allowlist());
    if (allowlist.isEmpty() || call.address().map(allowlist::permits).orElse(false)) {
      return Optional.empty();
    }
    String address = call.address().map(Cidr::format).orElse("unknown");
    return Optional.of(
        new Denied(
            Reason.CLIENT_ADDRESS_NOT_ALLOWED,
            "the API key may not be used from " + address,
            Map.of("key_id", key.id(), "client_address", address),
            null));
  }

  private Decision admit(ApiKeyRecord key, Instant now, LimitEvaluator.Verdict verdict) {
    if (verdict.admitted()) {
      usage.record(key.id(), now);
      return new Allowed(key, verdict.tightest(), verdict.credits());
    }
    if (verdict.creditsExhausted()) {
      return creditsDenial(key, verdict);
    }
    LimitState refusing = verdict.refusing();
    RateLimitSpec spec = refusing.spec();
    boolean project = refusing.subject() == LimitOwner.Kind.PROJECT;
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("key_id", key.id());
    metadata.put("limit", Integer.toString(spec.requests()));
    metadata.put("period", spec.periodLabel());
    metadata.put("scope", refusing.scope().label());
    metadata.put("subject", refusing.subject().label());
    if (project) {
      metadata.put("project", key.project());
    }
    String message =
        (project ? "project " + key.project() + " quota of " : "rate limit of ")
            + spec.requests()
            + " per "
            + (spec.isCalendar() ? "calendar " : "")
            + spec.periodLabel()
            + " ("
            + refusing.scope().label()
            + ") reached";
    return new Denied(Reason.RATE_LIMITED, message, metadata, verdict.retryAfter());
  }

  /** CREDITS_EXHAUSTED: what is left, what the call needed, and when the balance refills. */
  private static Denied creditsDenial(ApiKeyRecord key, LimitEvaluator.Verdict verdict) {
    CreditBalance credits = verdict.credits().orElseThrow();
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("key_id", key.id());
    metadata.put("credits_remaining", Long.toString(credits.remaining()));
    credits.nextRefill().ifPresent(at -> metadata.put("next_refill_at", at.toString()));
    String message =
        "the API key's credits are used up ("
            + credits.remaining()
            + " left)"
            + credits.nextRefill().map(at -> "; they refill at " + at).orElse("");
    return new Denied(Reason.CREDITS_EXHAUSTED, message, metadata, verdict.retryAfter());
  }

  /**
   * An unreachable store (or one that did not answer in time, or a full bulkhead, or an open
   * breaker) is STORE_UNAVAILABLE: fail closed. A global limit cannot be counted without Redis
   * either: admitting would let every sidecar spend the limit.
   */
  private static Outcome storeFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof StoreUnavailableException || cause instanceof TimeoutException) {
      return new Outcome(Denied.of(Reason.STORE_UNAVAILABLE), null);
    }
    if (cause instanceof RuntimeException e) {
      throw e;
    }
    throw new CompletionException(cause);
  }

  private CompletionStage<Decision> done(
      Call call, long start, Decision decision, ApiKeyRecord matched) {
    return CompletableFuture.completedFuture(report(call, start, decision, matched));
  }

  private Decision report(Call call, long start, Decision decision, ApiKeyRecord matched) {
    long nanos = Math.max(1, System.nanoTime() - start);
    if (decision instanceof Denied denied) {
      if (denied.reason().grpcCode() == Status.Code.UNAUTHENTICATED) {
        throttle.recordFailure(call.client());
      }
      observer.denied(call.surface(), denied, matched, call.requestId(), nanos);
    } else {
      observer.allowed(call.surface(), nanos);
    }
    return decision;
  }

  private static Denied throttledDenial(Duration retryAfter) {
    return new Denied(
        Reason.AUTH_FAILURES_THROTTLED,
        "too many failed authentications from this client; retry in "
            + Math.max(1, (retryAfter.toMillis() + 999) / 1000)
            + " s",
        Map.of(),
        retryAfter);
  }

  private static final Denied ADMIN_KEY_MISSING =
      new Denied(
          Reason.KEY_MISSING,
          "KeyAdmin needs 'authorization: Bearer <admin token or API key>'",
          Map.of(),
          null);

  /** A decision and the key whose digest the secret matched (null if none). */
  private record Outcome(Decision decision, ApiKeyRecord matched) {}

  /** Which stored digest the presented secret matched. */
  private enum SecretMatch {
    CURRENT,
    PREVIOUS,
    PREVIOUS_EXPIRED,
    NONE;

    static SecretMatch of(ApiKeyRecord key, byte[] digest, Instant now) {
      // both comparisons always run, in constant time, so timing tells nothing about which matched
      boolean current = KeyHasher.matches(key.digest(), digest);
      boolean previous = KeyHasher.matches(key.previousDigest(), digest);
      if (current) {
        return CURRENT;
      }
      if (!previous) {
        return NONE;
      }
      boolean inGrace = key.previousExpiresAt() != null && now.isBefore(key.previousExpiresAt());
      return inGrace ? PREVIOUS : PREVIOUS_EXPIRED;
    }
  }
}
