package dev.keygate.ratelimit;

import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;

/**
 * One rate limit's state right after a call was counted (or refused).
 *
 * @param admitted whether this limit admitted the call
 * @param spec the limit applied
 * @param remaining calls still admitted in the current period
 * @param resetAfter when admitted, the time until the allowance is whole again (GCRA) or the
 *     current period ends (local); when refused, the time until this limit admits a call again
 * @param scope where it was counted, LOCAL or GLOBAL
 * @param subject whose limit: {@link LimitOwner.Kind#KEY} or {@link LimitOwner.Kind#PROJECT}
 */
public record LimitState(
    boolean admitted,
    RateLimitSpec spec,
    int remaining,
    Duration resetAfter,
    LimitScope scope,
    LimitOwner.Kind subject) {

  /** A key's own limit counted in this process. */
  public LimitState(boolean admitted, RateLimitSpec spec, int remaining, Duration resetAfter) {
    this(admitted, spec, remaining, resetAfter, LimitScope.LOCAL, LimitOwner.Kind.KEY);
  }

  /** The same state attributed to another scope and subject. */
  public LimitState as(LimitScope scope, LimitOwner.Kind subject) {
    return new LimitState(admitted, spec, remaining, resetAfter, scope, subject);
  }

  /** The same state with another remaining count. */
  LimitState withRemaining(int remaining) {
    return new LimitState(admitted, spec, remaining, resetAfter, scope, subject);
  }
}
