package dev.keygate.ratelimit;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.RateLimits.LocalLimit;
import dev.keygate.ratelimit.SharedLimiter.CreditCharge;
import dev.keygate.ratelimit.SharedLimiter.Grant;
import dev.keygate.ratelimit.SharedLimiter.Take;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Applies everything that meters a call: the key's own limits (or the configured default), its
 * project's quota, each local (this sidecar) or global (Redis, shared), rolling or per calendar day
 * or month, and the key's credits.
 *
 * <p><b>All or nothing</b>: a call either passes every limit and its credits and is counted by all
 * of them, or is refused and counted by none. Order: the local limits are checked without taking
 * (no Redis trip, so a flood a burst guard refuses never reaches Redis); then the key's global
 * limits and credits are taken in one Lua call in the key's slot, and the project's global limits
 * in one call in the project's slot (a script never spans slots); then the local limits are taken,
 * all or none, under their locks. When a later stage refuses, what the earlier stages took is given
 * back ({@link SharedLimiter#release}). Credits are spent once per admitted call, by its cost;
 * limits count calls, whatever their cost.
 *
 * <p><b>Tightest</b>: of the states after an admitted call, the one with the fewest calls
 * remaining; on a tie the one whose reset is furthest away; then the smaller limit. <b>Refusing
 * limit</b>: of the limits that could not admit the call in the stage that refused it, the one
 * whose retry delay is longest; that delay is the call's retry-after. Credits that cannot cover the
 * cost refuse the call before any limit of their stage does: their wait (the next refill, if any)
 * is the longer one.
 */
public final class LimitEvaluator {
  /** Most limits a key may carry (its {@code rate_limit} included). */
  public static final int MAX_KEY_LIMITS = 8;

  /** Most credits one call may cost. */
  public static final int MAX_COST = 1_000_000;

  private static final Comparator<LimitState> TIGHTEST =
      Comparator.comparingInt(LimitState::remaining)
          .thenComparing(LimitState::resetAfter, Comparator.reverseOrder())
          .thenComparingInt(s -> s.spec().requests());

  private static final Verdict UNLIMITED = new Verdict(true, null, null, null, Optional.empty());

  private final RateLimits local;
  private final SharedLimiter shared;
  private final boolean sharedStore;
  private final boolean defaultGlobal;
  private final RateLimitSpec defaultLimit;
  private final List<KeyLimit> projectLimits;
  private final Clock clock;
  private final CreditsListener creditsListener;

  /** An evaluator telling no one about credits. */
  public LimitEvaluator(
      RateLimits local,
      Optional<SharedLimiter> shared,
      boolean defaultGlobal,
      RateLimitSpec defaultLimit,
      List<KeyLimit> projectLimits,
      Clock clock) {
    this(local, shared, defaultGlobal, defaultLimit, projectLimits, clock, CreditsListener.NONE);
  }

  /**
   * @param local this sidecar's limiters
   * @param shared global limits and credits; empty = no shared store: global limits are counted
   *     locally and credits in this process (there is only this sidecar)
   * @param defaultGlobal {@code KEYGATE_RATE_LIMIT_SCOPE=global}: the scope of limits without one
   * @param defaultLimit for keys without limits of their own; null = none
   * @param projectLimits every project's quota ({@code KEYGATE_PROJECT_RATE_LIMITS}), counted per
   *     project
   * @param clock places calendar quotas and credit refills
   * @param creditsListener told about a key's credits after each decision that counted them
   */
  public LimitEvaluator(
      RateLimits local,
      Optional<SharedLimiter> shared,
      boolean defaultGlobal,
      RateLimitSpec defaultLimit,
      List<KeyLimit> projectLimits,
      Clock clock,
      CreditsListener creditsListener) {
    this.creditsListener = creditsListener;
    this.local = local;
    this.sharedStore = shared.isPresent();
    this.shared = shared.orElseGet(InProcessCredits::new);
    this.defaultGlobal = defaultGlobal;
    this.defaultLimit = defaultLimit;
    this.projectLimits = List.copyOf(projectLimits);
    this.clock = clock;
  }

  /**
   * The outcome of {@link #evaluate}.
   *
   * @param admitted whether every limit and the credits admitted the call
   * @param tightest when admitted, the tightest limit's state; null when no limit applies
   * @param refusing when refused by a limit, that limit's state; null when refused by credits
   * @param retryAfter when refused, when to retry; null when waiting will not help (credits that
   *     never refill)
   * @param credits the key's credits after the decision; empty when the key has none
   */
  public record Verdict(
      boolean admitted,
      LimitState tightest,
      LimitState refusing,
      Duration retryAfter,
      Optional<CreditBalance> credits) {

    /** Refused because the key's credits could not cover the call's cost. */
    public boolean creditsExhausted() {
      return !admitted && credits.map(c -> !c.covered()).orElse(false);
    }
  }

  /** {@link #evaluate(ApiKeyRecord, int)} for a call costing one credit. */
  public CompletableFuture<Verdict> evaluate(ApiKeyRecord key) {
    return evaluate(key, 1);
  }

  /**
   * Counts one call of the key, costing {@code cost} credits, against everything that meters it,
   * all or nothing. Completed at once when every limit is local and the key has no credits (or
   * there is no shared store); otherwise when Redis answers (failing with {@link
   * dev.keygate.store.StoreUnavailableException} when it cannot).
   */
  public CompletableFuture<Verdict> evaluate(ApiKeyRecord key, int cost) {
    List<KeyLimit> own = ownOrDefault(key);
    if (own.isEmpty() && projectLimits.isEmpty() && key.credits().isEmpty()) {
      return CompletableFuture.completedFuture(UNLIMITED);
    }
    Instant now = clock.instant();
    List<LocalLimit> locals = new ArrayList<>();
    List<RateLimitSpec> keyGlobal = new ArrayList<>();
    List<RateLimitSpec> projectGlobal = new ArrayList<>();
    for (KeyLimit l : own) {
      if (scopeOf(l) == LimitScope.LOCAL) {
        locals.add(new LocalLimit(key.id(), l.spec(), LimitOwner.Kind.KEY));
      } else {
        keyGlobal.add(l.spec());
      }
    }
    for (KeyLimit l : projectLimits) {
      if (scopeOf(l) == LimitScope.LOCAL) {
        locals.add(new LocalLimit("p/" + key.project(), l.spec(), LimitOwner.Kind.PROJECT));
      } else {
        projectGlobal.add(l.spec());
      }
    }
    Optional<CreditCharge> charge = key.credits().map(c -> new CreditCharge(c, cost));
    Take keyTake = new Take(LimitOwner.key(key.id()), keyGlobal, 1, charge, now);
    Take projectTake =
        new Take(LimitOwner.project(key.project()), projectGlobal, 1, Optional.empty(), now);
    if (keyTake.isEmpty() && projectTake.isEmpty()) {
      // local limits only: checked and taken in one step under their locks
      List<LimitState> states = local.acquireAll(locals);
      return CompletableFuture.completedFuture(
          refusedBy(states).orElseGet(() -> admitted(states, Optional.empty())));
    }
    Optional<Verdict> refused = refusedBy(local.peek(locals));
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused.get());
    }
    return meter(key, keyTake, projectTake, locals, now)
        .whenComplete(
            (verdict, failure) -> {
              if (verdict != null) {
                verdict.credits().ifPresent(c -> creditsListener.counted(key, c));
              }
            });
  }

  private CompletableFuture<Verdict> meter(
      ApiKeyRecord key, Take keyTake, Take projectTake, List<LocalLimit> locals, Instant now) {
    return take(keyTake)
        .thenCompose(
            keyGrant -> {
              Optional<Verdict> byKey = refusal(keyTake, keyGrant, now);
              if (byKey.isPresent()) {
                return CompletableFuture.completedFuture(byKey.get());
              }
              return take(projectTake)
                  .handle(
                      (projectGrant, failure) -> {
                        if (failure != null) {
                          giveBack(keyTake);
                          throw failure instanceof CompletionException c
                              ? c
                              : new CompletionException(failure);
                        }
                        return last(keyTake, keyGrant, projectTake, projectGrant, locals, now);
                      })
                  .thenCompose(verdict -> verdict);
            });
  }

  /**
   * The credit balances of {@code keys} now, as their next calls would find them (key id ->
   * balance; keys without credits are left out), read together (Redis: one pipelined round trip).
   * For KeyAdmin reads, on the caller's thread (bounded by the store's call budget).
   */
  public Map<String, Long> creditsLeft(List<ApiKeyRecord> keys) {
    Map<String, Credits> metered = new LinkedHashMap<>();
    keys.forEach(k -> k.credits().ifPresent(c -> metered.put(k.id(), c)));
    return metered.isEmpty() ? Map.of() : shared.balances(metered, clock.instant());
  }

  /**
   * After both global stages answered: the project's refusal, or the local limits' answer. A
   * refusal completes once what earlier stages took is given back, so the next call finds it.
   */
  private CompletableFuture<Verdict> last(
      Take keyTake,
      Grant keyGrant,
      Take projectTake,
      Grant projectGrant,
      List<LocalLimit> locals,
      Instant now) {
    Optional<Verdict> byProject = refusal(projectTake, projectGrant, now);
    if (byProject.isPresent()) {
      return giveBack(keyTake).thenApply(v -> byProject.get());
    }
    // checked before the global stages, but another call may have taken the last one since
    List<LimitState> localStates = local.acquireAll(locals);
    Optional<Verdict> byLocal = refusedBy(localStates);
    if (byLocal.isPresent()) {
      return giveBack(keyTake).thenCombine(giveBack(projectTake), (x, y) -> byLocal.get());
    }
    List<LimitState> all = new ArrayList<>(localStates);
    all.addAll(keyGrant.states());
    all.addAll(projectGrant.states());
    return CompletableFuture.completedFuture(admitted(all, balance(keyTake, keyGrant, now)));
  }

  private CompletableFuture<Grant> take(Take t) {
    return t.isEmpty()
        ? CompletableFuture.completedFuture(new Grant(1, List.of()))
        : shared.acquire(t);
  }

  /**
   * Gives back one call; completes when the store answered. Best effort: a give-back that fails
   * leaves the call counted, which errs toward refusing.
   */
  private CompletableFuture<Void> giveBack(Take t) {
    if (t.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return shared.release(t, 1).exceptionally(e -> null);
  }

  /** The refusal of one global stage; empty when it granted the call. */
  private static Optional<Verdict> refusal(Take take, Grant grant, Instant now) {
    if (grant.granted() > 0) {
      return Optional.empty();
    }
    Optional<CreditBalance> credits = balance(take, grant, now);
    if (credits.isPresent() && !credits.get().covered()) {
      Duration retry = credits.get().nextRefill().map(at -> Duration.between(now, at)).orElse(null);
      return Optional.of(new Verdict(false, null, null, retry, credits));
    }
    // a refusal names at least one exhausted limit
    return Optional.of(
        refusedBy(grant.states())
            .orElseThrow(
                () ->
                    new IllegalStateException("global limit refused without an exhausted limit")));
  }

  private static Optional<CreditBalance> balance(Take take, Grant grant, Instant now) {
    return take.credits()
        .map(
            c ->
                new CreditBalance(
                    grant.creditsLeft().orElse(0),
                    c.credits().nextRefill(now),
                    grant.creditsSuffice()));
  }

  private static Verdict admitted(List<LimitState> states, Optional<CreditBalance> credits) {
    return new Verdict(true, states.stream().min(TIGHTEST).orElse(null), null, null, credits);
  }

  /** The key's own limits, else the configured default standing in for them. */
  private List<KeyLimit> ownOrDefault(ApiKeyRecord key) {
    List<KeyLimit> own = key.ownLimits();
    if (own.isEmpty() && defaultLimit != null) {
      return List.of(new KeyLimit(defaultLimit, LimitScope.DEFAULT));
    }
    return own;
  }

  private LimitScope scopeOf(KeyLimit l) {
    LimitScope scope =
        l.scope() == LimitScope.DEFAULT
            ? (defaultGlobal ? LimitScope.GLOBAL : LimitScope.LOCAL)
            : l.scope();
    // without a shared store there is one sidecar, and local counting is the global count
    return scope == LimitScope.GLOBAL && !sharedStore ? LimitScope.LOCAL : scope;
  }

  private static Optional<Verdict> refusedBy(List<LimitState> stage) {
    return stage.stream()
        .filter(s -> !s.admitted())
        .max(Comparator.comparing(LimitState::resetAfter))
        .map(s -> new Verdict(false, null, s, s.resetAfter(), Optional.empty()));
  }
}
