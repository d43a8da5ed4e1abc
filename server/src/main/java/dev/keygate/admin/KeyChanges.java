package dev.keygate.admin;

import dev.keygate.key.KeyLimit;
import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An UpdateKey request in domain terms: the fields named in {@code paths} take the given values (a
 * null expiry or rate limit clears it; {@code limits} replaces the whole list).
 */
public record KeyChanges(
    Set<String> paths,
    String name,
    String description,
    Map<String, String> metadata,
    List<String> scopes,
    Instant expiresAt,
    RateLimitSpec rateLimit,
    List<KeyLimit> limits) {
  /** The paths UpdateKey accepts. */
  public static final Set<String> UPDATABLE =
      Set.of("name", "description", "metadata", "scopes", "expires_at", "rate_limit", "limits");

  public KeyChanges {
    limits = limits == null ? List.of() : List.copyOf(limits);
  }

  /** Changes that leave the further limits alone. */
  public KeyChanges(
      Set<String> paths,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      Instant expiresAt,
      RateLimitSpec rateLimit) {
    this(paths, name, description, metadata, scopes, expiresAt, rateLimit, List.of());
  }
}
