package dev.keygate.admin;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CreateKey request in domain terms, not yet validated.
 *
 * @param kind null = the sidecar's environment
 * @param expiresAt null = never
 * @param rateLimit null = none (in the sidecar's default scope)
 * @param limits further limits, each with its own scope
 * @param requestId null or "" = not idempotent
 * @param allowlist the key's IP allowlist, {@link IpAllowlist#NONE} = none of its own
 * @param credits the key's credits; empty = unmetered
 */
public record NewKey(
    String project,
    String name,
    String description,
    Map<String, String> metadata,
    List<String> scopes,
    KeyKind kind,
    Instant expiresAt,
    RateLimitSpec rateLimit,
    List<KeyLimit> limits,
    String requestId,
    IpAllowlist allowlist,
    Optional<Credits> credits) {
  public NewKey {
    limits = limits == null ? List.of() : List.copyOf(limits);
    allowlist = allowlist == null ? IpAllowlist.NONE : allowlist;
    credits = credits == null ? Optional.empty() : credits;
  }

  /**
   * The record of the key this request creates: version 1, with its credits counted from generation
   * 1 (the version).
   *
   * @param prefix the key's non-secret display prefix
   * @param digest the HMAC of its secret
   */
  public ApiKeyRecord record(String id, KeyKind kind, String prefix, byte[] digest, Instant now) {
    return new ApiKeyRecord.Builder()
        .id(id)
        .project(project)
        .name(name)
        .description(description == null ? "" : description)
        .metadata(metadata)
        .scopes(scopes)
        .kind(kind)
        .prefix(prefix)
        .createdAt(now)
        .updatedAt(now)
        .expiresAt(expiresAt)
        .digest(digest)
        .rateLimit(rateLimit)
        .limits(limits)
        .allowlist(allowlist)
        .credits(credits.map(c -> c.at(1)))
        .version(1)
        .build();
  }

  /** A request without credits. */
  public NewKey(
      String project,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      KeyKind kind,
      Instant expiresAt,
      RateLimitSpec rateLimit,
      List<KeyLimit> limits,
      String requestId,
      IpAllowlist allowlist) {
    this(
        project,
        name,
        description,
        metadata,
        scopes,
        kind,
        expiresAt,
        rateLimit,
        limits,
        requestId,
        allowlist,
        Optional.empty());
  }

  /** A request without an IP allowlist. */
  public NewKey(
      String project,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      KeyKind kind,
      Instant expiresAt,
      RateLimitSpec rateLimit,
      List<KeyLimit> limits,
      String requestId) {
    this(
        project,
        name,
        description,
        metadata,
        scopes,
        kind,
        expiresAt,
        rateLimit,
        limits,
        requestId,
        IpAllowlist.NONE);
  }

  /** A request without further limits. */
  public NewKey(
      String project,
      String name,
      String description,
      Map<String, String> metadata,
      List<String> scopes,
      KeyKind kind,
      Instant expiresAt,
      RateLimitSpec rateLimit,
      String requestId) {
    this(
        project,
        name,
        description,
        metadata,
        scopes,
        kind,
        expiresAt,
        rateLimit,
        List.of(),
        requestId);
  }
}
