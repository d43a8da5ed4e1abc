package dev.keygate.admin;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An UpdateKey request in domain terms: the fields named in {@code paths} take the given values (a
 * null expiry or rate limit clears it; {@code limits} replaces the whole list, and so does {@code
 * allowlist}, the IP allowlist of path {@code allowed_cidrs}; {@code credits} of path {@code
 * credits} sets the balance and refill anew, and empty makes the key unmetered).
 */
public record KeyChanges(
    Set<String> paths,
    String name,
    String description,
    Map<String, String> metadata,
    List<String> scopes,
    Instant expiresAt,
    RateLimitSpec rateLimit,
    List<KeyLimit> limits,
    IpAllowlist allowlist,
    Optional<Credits> credits) {
  /** The paths UpdateKey accepts. */
  public static final Set<String> UPDATABLE =
      Set.of(
          "name",
          "description",
          "metadata",
          "scopes",
          "expires_at",
          "rate_limit",
          "limits",
          "allowed_cidrs",
          "credits");

  public KeyChanges {
    limits = limits == null ? List.of() : List.copyOf(limits);
    allowlist = allowlist == null ? IpAllowlist.NONE : allowlist;
    credits = credits == null ? Optional.empty() : credits;
  }

  /** Changes that leave the credits alone. */
  public KeyChanges(
      Set<String> paths,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      Instant expiresAt,
      RateLimitSpec rateLimit,
      List<KeyLimit> limits,
      IpAllowlist allowlist) {
    this(
        paths,
        name,
        description,
        metadata,
        scopes,
        expiresAt,
        rateLimit,
        limits,
        allowlist,
        Optional.empty());
  }

  /** Changes that leave the IP allowlist alone. */
  public KeyChanges(
      Set<String> paths,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      Instant expiresAt,
      RateLimitSpec rateLimit,
      List<KeyLimit> limits) {
    this(
        paths, name, description, metadata, scopes, expiresAt, rateLimit, limits, IpAllowlist.NONE);
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
    this(
        paths,
        name,
        description,
        metadata,
        scopes,
        expiresAt,
        rateLimit,
        List.of(),
        IpAllowlist.NONE);
  }

  /** Adds the violations of the named paths' values (and of the mask itself) to {@code v}. */
  void validate(Validation v, Instant now) {
    v.updateMask("update_mask", paths, UPDATABLE);
    if (paths.contains("name")) {
      v.name("key.name", name);
    }
    if (paths.contains("description")) {
      v.description("key.description", description);
    }
    if (paths.contains("metadata")) {
      v.metadata("key.metadata", metadata);
    }
    if (paths.contains("scopes")) {
      v.scopes("key.scopes", scopes);
    }
    if (paths.contains("expires_at")) {
      v.expiry("key.expires_at", expiresAt, now);
    }
    if (paths.contains("limits") || paths.contains("rate_limit")) {
      v.limits(
          "key.limits",
          paths.contains("rate_limit") ? rateLimit : null,
          paths.contains("limits") ? limits : List.of());
    }
  }

  /** Sets the named paths' values on {@code b} (credits as given: the caller stamps them). */
  void applyTo(ApiKeyRecord.Builder b) {
    for (String path : paths) {
      switch (path) {
        case "name" -> b.name(name);
        case "description" -> b.description(description == null ? "" : description);
        case "metadata" -> b.metadata(metadata);
        case "scopes" -> b.scopes(scopes);
        case "expires_at" -> b.expiresAt(expiresAt);
        case "rate_limit" -> b.rateLimit(rateLimit);
        case "limits" -> b.limits(limits);
        case "allowed_cidrs" -> b.allowlist(allowlist);
        case "credits" -> b.credits(credits);
        default -> throw new IllegalArgumentException(path);
      }
    }
  }
}
