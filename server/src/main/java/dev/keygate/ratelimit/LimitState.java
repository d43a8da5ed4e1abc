package dev.keygate.ratelimit;

import dev.keygate.key.RateLimitSpec;
import java.time.Duration;

/**
 * A key's rate-limit state right after a call was counted (or refused).
 *
 * @param admitted whether the call was admitted
 * @param spec the limit applied
 * @param remaining calls still admitted in the current period
 * @param resetAfter time until the current period ends and the allowance refills
 */
public record LimitState(boolean admitted, RateLimitSpec spec, int remaining, Duration resetAfter) {}
