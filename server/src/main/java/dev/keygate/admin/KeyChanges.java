package dev.keygate.admin;

import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An UpdateKey request in domain terms: the fields named in {@code paths} take the given values
 * (a null expiry or rate limit clears it).
 */
public record KeyChanges(Set<String> paths, String name, String description,
    Map<String, String> metadata, List<String> scopes, Instant expiresAt,
    RateLimitSpec rateLimit) {
  /** The paths UpdateKey accepts. */
  public static final Set<String> UPDATABLE =
      Set.of("name", "description", "metadata", "scopes", "expires_at", "rate_limit");
}
