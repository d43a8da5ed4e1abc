package dev.keygate.ratelimit;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Applies every limit that governs a call: the key's own (or the configured default) and its
 * project's quota, each local (resilience4j in this sidecar) or global (Redis, shared).
 *
 * <p>Order: all local limits first (no Redis trip, so a flood a burst guard refuses never reaches
 * Redis), then the key's global limits in one all-or-nothing Lua call in the key's slot, then the
 * project's in one call in the project's slot (two slots, so two calls: a script never spans
 * slots). The first stage that refuses ends the evaluation. A refused call may still have spent
 * from the limits of earlier stages and from the other local limits; that errs toward refusing,
 * never toward admitting more than a limit allows.
 *
 * <p><b>Tightest</b>: of the states after an admitted call, the one with the fewest calls
 * remaining; on a tie the one whose reset is furthest away; then the smaller limit. <b>Refusing
 * limit</b>: of the limits that could not admit the call in the stage that refused it, the one
 * whose retry delay is longest; that delay is the call's retry-after.
 */
public final class LimitEvaluator {
  /** Most limits a key may carry (its {@code rate_limit} included). */
  public static final int MAX_KEY_LIMITS = 8;

  private static final Comparator<LimitState> TIGHTEST =
      Comparator.comparingInt(LimitState::remaining)
          .thenComparing(LimitState::resetAfter, Comparator.reverseOrder())
          .thenComparingInt(s -> s.spec().requests());

  private static final Verdict UNLIMITED = new Verdict(true, null, null, null);

  private final RateLimits local;
  private final SharedLimiter shared;
  private final boolean defaultGlobal;
  private final RateLimitSpec defaultLimit;
  private final List<KeyLimit> projectLimits;

  /**
   * @param local this sidecar's limiters
   * @param shared global limits; null = no shared store, global limits are counted locally (there
   *     is only this sidecar)
   * @param defaultGlobal {@code KEYGATE_RATE_LIMIT_SCOPE=global}: the scope of limits without one
   * @param defaultLimit for keys without limits of their own; null = none
   * @param projectLimits every project's quota ({@code KEYGATE_PROJECT_RATE_LIMITS}), counted per
   *     project
   */
  public LimitEvaluator(
      RateLimits local,
      SharedLimiter shared,
      boolean defaultGlobal,
      RateLimitSpec defaultLimit,
      List<KeyLimit> projectLimits) {
    this.local = local;
    this.shared = shared;
    this.defaultGlobal = defaultGlobal;
    this.defaultLimit = defaultLimit;
    this.projectLimits = List.copyOf(projectLimits);
  }

  /**
   * The outcome of {@link #evaluate}.
   *
   * @param admitted whether every limit admitted the call
   * @param tightest when admitted, the tightest limit's state; null when no limit applies
   * @param refusing when refused, the refusing limit's state
   * @param retryAfter when refused, when to retry
   */
  public record Verdict(
      boolean admitted, LimitState tightest, LimitState refusing, Duration retryAfter) {}

  /**
   * Counts one call of the key against every limit that governs it. Completed at once when every
   * limit is local; otherwise when Redis answers for the global ones (failing with {@link
   * dev.keygate.store.StoreUnavailableException} when it cannot).
   */
  public CompletableFuture<Verdict> evaluate(ApiKeyRecord key) {
    List<KeyLimit> own = ownOrDefault(key);
    if (own.isEmpty() && projectLimits.isEmpty()) {
      return CompletableFuture.completedFuture(UNLIMITED);
    }
    List<LimitState> stage = new ArrayList<>();
    // stage 1: local limits of key and project
    for (KeyLimit l : own) {
      if (scopeOf(l) == LimitScope.LOCAL) {
        stage.add(local.acquire(key.id(), l.spec()));
      }
    }
    for (KeyLimit l : projectLimits) {
      if (scopeOf(l) == LimitScope.LOCAL) {
        // "p/" cannot start a key id, so a project never shares a limiter with a key
        stage.add(
            local
                .acquire("p/" + key.project(), l.spec())
                .as(LimitScope.LOCAL, LimitOwner.Kind.PROJECT));
      }
    }
    Optional<Verdict> refused = refusedBy(stage);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(refused.get());
    }
    // stages 2 and 3: global limits, one owner (one slot) per call, the project's after the key's
    List<LimitState> states = new ArrayList<>(stage);
    return global(LimitOwner.key(key.id()), own, states)
        .thenCompose(
            keyStage ->
                keyStage.isPresent()
                    ? CompletableFuture.completedFuture(keyStage)
                    : global(LimitOwner.project(key.project()), projectLimits, states))
        .thenApply(
            projectStage ->
                projectStage.orElseGet(
                    () ->
                        new Verdict(true, states.stream().min(TIGHTEST).orElse(null), null, null)));
  }

  /**
   * Takes one call from the owner's global limits, adding their states to {@code states}; the
   * refusal when they refuse, empty when they admit (or the owner has none).
   */
  private CompletableFuture<Optional<Verdict>> global(
      LimitOwner owner, List<KeyLimit> limits, List<LimitState> states) {
    List<RateLimitSpec> global = new ArrayList<>();
    for (KeyLimit l : limits) {
      if (scopeOf(l) == LimitScope.GLOBAL) {
        global.add(l.spec());
      }
    }
    if (global.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return shared
        .acquire(owner, global, 1)
        .thenApply(
            grant -> {
              if (grant.granted() == 0) {
                // a refusal names at least one exhausted limit
                return Optional.of(
                    refusedBy(grant.states())
                        .orElseThrow(
                            () ->
                                new IllegalStateException(
                                    "global limit refused without an exhausted limit")));
              }
              // the stages run one after the other, so the list is never shared
              states.addAll(grant.states());
              return Optional.empty();
            });
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
    return scope == LimitScope.GLOBAL && shared == null ? LimitScope.LOCAL : scope;
  }

  private static Optional<Verdict> refusedBy(List<LimitState> stage) {
    return stage.stream()
        .filter(s -> !s.admitted())
        .max(Comparator.comparing(LimitState::resetAfter))
        .map(s -> new Verdict(false, null, s, s.resetAfter()));
  }
}
