package dev.keygate.ratelimit;

import dev.keygate.key.RateLimitSpec;

/**
 * A rate limit counted once for every sidecar that shares the store, rather than per process
 * like {@link RateLimits}.
 */
public interface SharedLimiter {
  /**
   * Counts one call against the key's limit.
   *
   * @throws dev.keygate.store.StoreUnavailableException if the shared state cannot be reached
   */
  LimitState acquire(String keyId, RateLimitSpec spec);
}
