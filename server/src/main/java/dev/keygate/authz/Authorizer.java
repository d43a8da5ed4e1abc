package dev.keygate.authz;

import dev.keygate.authz.Decision.Allowed;
import dev.keygate.authz.Decision.Denied;
import dev.keygate.config.Durations;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.ParsedKey;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.key.Scopes;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.LimitOwner;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.KeyStore;
import dev.keygate.store.StoreUnavailableException;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.usage.UsageRecorder;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one decision path: every surface (Authorize.Check, KeyAdmin credentials, Envoy ext_authz)
 * asks this class whether a presented key may make a call that needs some scopes.
 *
 * <p>Order matters: format and environment are checked before any store lookup (cheap, and floods
 * of garbage never reach Redis); the digest is compared before the key's state is revealed, so
 * someone without the secret learns only KEY_UNKNOWN.
 */
public final class Authorizer {
  private final KeyFormat format;
  private final KeyHasher hasher;
  private final KeyStore store;
  private final LimitEvaluator limits;
  private final UsageRecorder usage;
  private final Clock clock;
  private final KeyKind environment;
  private final FailureThrottle throttle;
  private final DecisionObserver observer;

  /**
   * An Authorizer that neither throttles nor reports its decisions, with local limits only.
   *
   * @param environment the only key kind this sidecar accepts
   * @param defaultLimit the limit for keys without their own; null = unlimited
   */
  public Authorizer(
      KeyFormat format,
      KeyHasher hasher,
      KeyStore store,
      RateLimits rateLimits,
      UsageRecorder usage,
      Clock clock,
      KeyKind environment,
      RateLimitSpec defaultLimit) {
    this(
        format,
        hasher,
        store,
        new LimitEvaluator(rateLimits, null, false, defaultLimit, List.of()),
        usage,
        clock,
        environment,
        FailureThrottle.disabled(),
        DecisionObserver.NONE);
  }

  /**
   * @param limits applies the key's and its project's rate limits
   * @param environment the only key kind this sidecar accepts
   * @param throttle counts failed authentications per client
   * @param observer told about every decision (metrics, audit sampling)
   */
  public Authorizer(
      KeyFormat format,
      KeyHasher hasher,
      KeyStore store,
      LimitEvaluator limits,
      UsageRecorder usage,
      Clock clock,
      KeyKind environment,
      FailureThrottle throttle,
      DecisionObserver observer) {
    this.throttle = throttle;
    this.observer = observer;
    this.format = format;
    this.hasher = hasher;
    this.store = store;
    this.limits = limits;
    this.usage = usage;
    this.clock = clock;
    this.environment = environment;
  }

  /**
   * Decides one call of {@code keygate.v1.Authorize} from an unknown client.
   *
   * @param presentedKey the key as presented; null or empty when none was
   * @param requiredScopes scopes the call needs, all of them (already syntax-checked)
   */
  public Decision decide(String presentedKey, Collection<String> requiredScopes) {
    return decide(presentedKey, requiredScopes, Call.of(Surface.AUTHORIZE));
  }

  /**
   * Decides one call and tells the observer (counted per surface and reason, denials sampled into
   * the audit trail). A client that has had more failed authentications than the throttle allows in
   * its window is refused with AUTH_FAILURES_THROTTLED before the key is even parsed (so no store
   * lookup); otherwise every UNAUTHENTICATED answer counts as one more failure.
   */
  public Decision decide(String presentedKey, Collection<String> requiredScopes, Call call) {
    return decide(presentedKey, requiredScopes, call, false);
  }

  /**
   * {@link #decide} if it can be done without I/O or waiting (the key's record is cached, its rate
   * limits and its project's all count in this process), so a transport thread may run it inline;
   * empty, with nothing counted or reported, when deciding needs the store: then call {@link
   * #decide} on a thread that may block. Denials that need no lookup (missing, malformed key,
   * throttled client) are decided here too.
   */
  public Optional<Decision> decideWithoutBlocking(
      String presentedKey, Collection<String> requiredScopes, Call call) {
    return Optional.ofNullable(decide(presentedKey, requiredScopes, call, true));
  }

  /**
   * @param withoutIo decide only from memory: null (nothing reported) if the store is needed
   */
  private Decision decide(
      String presentedKey, Collection<String> requiredScopes, Call call, boolean withoutIo) {
    Optional<Denied> throttled = throttled(call);
    if (throttled.isPresent()) {
      return throttled.get();
    }
    long start = System.nanoTime();
    Outcome outcome = decideUntimed(presentedKey, requiredScopes, withoutIo);
    if (outcome == null) {
      return null;
    }
    long nanos = Math.max(1, System.nanoTime() - start);
    if (outcome.decision() instanceof Denied denied) {
      countFailure(call, denied);
      observer.denied(call.surface(), denied, outcome.matched(), call.requestId(), nanos);
    } else {
      observer.allowed(call.surface(), nanos);
    }
    return outcome.decision();
  }

  /**
   * The AUTH_FAILURES_THROTTLED denial (already reported) when the call's client is throttled now;
   * empty otherwise. For surfaces that check a credential themselves before {@link #decide}.
   */
  public Optional<Denied> throttled(Call call) {
    Optional<Denied> denied =
        throttle
            .check(call.client())
            .map(
                retryAfter ->
                    new Denied(
                        Reason.AUTH_FAILURES_THROTTLED,
                        "too many failed authentications from this client; retry in "
                            + Math.max(1, (retryAfter.toMillis() + 999) / 1000)
                            + " s",
                        Map.of(),
                        retryAfter));
    denied.ifPresent(d -> observer.denied(call.surface(), d, null, call.requestId(), 0));
    return denied;
  }

  /**
   * Reports a refusal a surface made itself, before or instead of {@link #decide}; an
   * UNAUTHENTICATED one (a wrong admin token, say) counts toward the client's throttle too.
   */
  public void observeDenied(Call call, Denied denied) {
    countFailure(call, denied);
    observer.denied(call.surface(), denied, null, call.requestId(), 0);
  }

  /** Reports a call a surface allowed itself (the KeyAdmin bootstrap admin token). */
  public void observeAllowed(Call call) {
    observer.allowed(call.surface(), 0);
  }

  private void countFailure(Call call, Denied denied) {
    if (denied.reason().grpcCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
      throttle.recordFailure(call.client());
    }
  }

  private Outcome decideUntimed(
      String presentedKey, Collection<String> requiredScopes, boolean withoutIo) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      return new Outcome(Denied.of(Reason.KEY_MISSING), null);
    }
    Optional<ParsedKey> parsed = format.parse(presentedKey);
    if (parsed.isEmpty()) {
      return new Outcome(Denied.of(Reason.KEY_MALFORMED), null);
    }
    if (parsed.get().kind() != environment) {
      return new Outcome(
          new Denied(
              Reason.KEY_ENVIRONMENT_MISMATCH,
              "this sidecar accepts " + environment.label() + " keys only",
              Map.of(),
              null),
          null);
    }
    Optional<ApiKeyRecord> found;
    try {
      if (withoutIo) {
        Optional<Optional<ApiKeyRecord>> cached = store.findWithoutIo(parsed.get().keyId());
        if (cached.isEmpty()) {
          return null;
        }
        found = cached.get();
        // a global limit is counted in Redis: such a key is decided where waiting is allowed
        if (found.isPresent() && limits.needsStore(found.get())) {
          return null;
        }
      } else {
        found = store.find(parsed.get().keyId());
      }
    } catch (StoreUnavailableException e) {
      return new Outcome(Denied.of(Reason.STORE_UNAVAILABLE), null);
    }
    Instant now = clock.instant();
    byte[] digest = hasher.digest(parsed.get().secret());
    SecretMatch match = found.map(key -> SecretMatch.of(key, digest, now)).orElse(SecretMatch.NONE);
    if (match == SecretMatch.NONE) {
      return new Outcome(Denied.of(Reason.KEY_UNKNOWN), null);
    }
    // only now, with the secret proven, may a denial name the key (and its project's trail)
    return new Outcome(decide(found.get(), match, now, requiredScopes), found.get());
  }

  private Decision decide(
      ApiKeyRecord key, SecretMatch match, Instant now, Collection<String> requiredScopes) {
    Map<String, String> keyId = Map.of("key_id", key.id());
    if (key.isRevoked()) {
      return new Denied(Reason.KEY_REVOKED, "the API key was revoked", keyId, null);
    }
    if (match == SecretMatch.PREVIOUS_EXPIRED) {
      return new Denied(
          Reason.KEY_REVOKED,
          "the API key was replaced by rotation and its grace period has ended",
          keyId,
          null);
    }
    if (key.isExpiredAt(now)) {
      return new Denied(Reason.KEY_EXPIRED, Reason.KEY_EXPIRED.summary(), keyId, null);
    }
    List<String> missing = Scopes.missing(key.scopes(), requiredScopes);
    if (!missing.isEmpty()) {
      return new Denied(
          Reason.SCOPE_MISSING,
          "the API key lacks scope " + String.join(", ", missing),
          Map.of("key_id", key.id(), "missing_scopes", String.join(" ", missing)),
          null);
    }
    return admit(key, now);
  }

  private Decision admit(ApiKeyRecord key, Instant now) {
    LimitEvaluator.Verdict verdict;
    try {
      verdict = limits.evaluate(key);
    } catch (StoreUnavailableException e) {
      // fail closed: without the shared count, admitting would let every sidecar spend the limit
      return Denied.of(Reason.STORE_UNAVAILABLE);
    }
    if (!verdict.admitted()) {
      LimitState refusing = verdict.refusing();
      RateLimitSpec spec = refusing.spec();
      boolean project = refusing.subject() == LimitOwner.Kind.PROJECT;
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("key_id", key.id());
      metadata.put("limit", Integer.toString(spec.requests()));
      metadata.put("period", Durations.format(spec.period()));
      metadata.put("scope", refusing.scope().label());
      metadata.put("subject", refusing.subject().label());
      if (project) {
        metadata.put("project", key.project());
      }
      return new Denied(
          Reason.RATE_LIMITED,
          (project ? "project " + key.project() + " quota of " : "rate limit of ")
              + spec.requests()
              + " per "
              + Durations.format(spec.period())
              + " ("
              + refusing.scope().label()
              + ") reached",
          metadata,
          verdict.retryAfter());
    }
    usage.record(key.id(), now);
    return new Allowed(key, verdict.tightest());
  }

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
