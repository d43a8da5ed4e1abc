package dev.keygate.key;

import dev.keygate.access.IpAllowlist;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stored API key: everything but the secret, which exists only as its HMAC digest.
 *
 * @param id public id, also embedded in the secret
 * @param project owning project
 * @param name human-readable name
 * @param description free text ("" when none)
 * @param metadata caller labels
 * @param scopes granted scopes
 * @param kind LIVE or TEST
 * @param prefix non-secret display prefix, e.g. {@code kg_live_<id>}
 * @param createdAt creation time
 * @param updatedAt last change by update, rotate or revoke
 * @param expiresAt expiry, null = never
 * @param revokedAt revocation time, null = not revoked
 * @param revokeReason why it was revoked ("" when none)
 * @param digest HMAC-SHA256 of the current secret
 * @param previousDigest HMAC of the secret replaced by the last rotation, null = none
 * @param previousExpiresAt until when {@code previousDigest} is accepted, null = none
 * @param rotatedAt last rotation, null = never
 * @param rateLimit the key's own limit in the sidecar's default scope, null = none
 * @param limits further limits, each with its own scope; with {@code rateLimit} they are the key's
 *     limits, and when both are empty the configured default applies
 * @param version optimistic-concurrency version, bumped by every write
 * @param usage usage counts as last flushed (ignored on writes)
 * @param disabledAt when DisableKey switched the key off, null = enabled
 * @param disableReason why it was disabled ("" when enabled)
 * @param allowlist the client addresses the key may be used from; {@link IpAllowlist#NONE} = its
 *     project's default, if any, else any
 * @param credits the key's credits (remaining uses); empty = unmetered
 */
public record ApiKeyRecord(
    String id,
    String project,
    String name,
    String description,
    Map<String, String> metadata,
    List<String> scopes,
    KeyKind kind,
    String prefix,
    Instant createdAt,
    Instant updatedAt,
    Instant expiresAt,
    Instant revokedAt,
    String revokeReason,
    byte[] digest,
    byte[] previousDigest,
    Instant previousExpiresAt,
    Instant rotatedAt,
    RateLimitSpec rateLimit,
    List<KeyLimit> limits,
    long version,
    KeyUsage usage,
    Instant disabledAt,
    String disableReason,
    IpAllowlist allowlist,
    Optional<Credits> credits) {

  public ApiKeyRecord {
    metadata = Map.copyOf(metadata);
    scopes = List.copyOf(scopes);
    limits = limits == null ? List.of() : List.copyOf(limits);
    usage = usage == null ? KeyUsage.NONE : usage;
    disableReason = disableReason == null ? "" : disableReason;
    allowlist = allowlist == null ? IpAllowlist.NONE : allowlist;
    credits = credits == null ? Optional.empty() : credits;
  }

  /** True while disabled: refused with KEY_DISABLED until enabled again. */
  public boolean isDisabled() {
    return disabledAt != null;
  }

  /** True once revoked. */
  public boolean isRevoked() {
    return revokedAt != null;
  }

  /** True if the expiry has passed at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Counts toward the project's active-key maximum: not revoked, not expired. */
  public boolean isActiveAt(Instant now) {
    return !isRevoked() && !isExpiredAt(now);
  }

  /**
   * The key's own limits: {@code rateLimit} (in the default scope) followed by {@code limits};
   * empty when the key has none (the configured default then applies).
   */
  public List<KeyLimit> ownLimits() {
    if (rateLimit == null) {
      return limits;
    }
    List<KeyLimit> all = new ArrayList<>(limits.size() + 1);
    all.add(new KeyLimit(rateLimit, LimitScope.DEFAULT));
    all.addAll(limits);
    return all;
  }

  /** A builder seeded with this record's values, for copy-with-changes. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  @Override
  public String toString() {
    // digests are not secrets, but nothing gains from printing them
    return "ApiKeyRecord[id=" + id + ", project=" + project + ", version=" + version + "]";
  }

  /** Copy-with-changes for the many optional fields. */
  public static final class Builder {
    private String id;
    private String project;
    private String name;
    private String description = "";
    private Map<String, String> metadata = Map.of();
    private List<String> scopes = List.of();
    private KeyKind kind;
    private String prefix;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant expiresAt;
    private Instant revokedAt;
    private String revokeReason = "";
    private byte[] digest;
    private byte[] previousDigest;
    private Instant previousExpiresAt;
    private Instant rotatedAt;
    private RateLimitSpec rateLimit;
    private List<KeyLimit> limits = List.of();
    private long version;
    private KeyUsage usage = KeyUsage.NONE;
    private Instant disabledAt;
    private String disableReason = "";
    private IpAllowlist allowlist = IpAllowlist.NONE;
    private Optional<Credits> credits = Optional.empty();

    public Builder() {}

    private Builder(ApiKeyRecord r) {
      id = r.id;
      project = r.project;
      name = r.name;
      description = r.description;
      metadata = r.metadata;
      scopes = r.scopes;
      kind = r.kind;
      prefix = r.prefix;
      createdAt = r.createdAt;
      updatedAt = r.updatedAt;
      expiresAt = r.expiresAt;
      revokedAt = r.revokedAt;
      revokeReason = r.revokeReason;
      digest = r.digest;
      previousDigest = r.previousDigest;
      previousExpiresAt = r.previousExpiresAt;
      rotatedAt = r.rotatedAt;
      rateLimit = r.rateLimit;
      limits = r.limits;
      version = r.version;
      usage = r.usage;
      disabledAt = r.disabledAt;
      disableReason = r.disableReason;
      allowlist = r.allowlist;
      credits = r.credits;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder project(String v) {
      project = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder description(String v) {
      description = v;
      return this;
    }

    public Builder metadata(Map<String, String> v) {
      metadata = v;
      return this;
    }

    public Builder scopes(List<String> v) {
      scopes = v;
      return this;
    }

    public Builder kind(KeyKind v) {
      kind = v;
      return this;
    }

    public Builder prefix(String v) {
      prefix = v;
      return this;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Builder expiresAt(Instant v) {
      expiresAt = v;
      return this;
    }

    public Builder revokedAt(Instant v) {
      revokedAt = v;
      return this;
    }

    public Builder revokeReason(String v) {
      revokeReason = v;
      return this;
    }

    public Builder digest(byte[] v) {
      digest = v;
      return this;
    }

    public Builder previousDigest(byte[] v) {
      previousDigest = v;
      return this;
    }

    public Builder previousExpiresAt(Instant v) {
      previousExpiresAt = v;
      return this;
    }

    public Builder rotatedAt(Instant v) {
      rotatedAt = v;
      return this;
    }

    public Builder rateLimit(RateLimitSpec v) {
      rateLimit = v;
      return this;
    }

    public Builder limits(List<KeyLimit> v) {
      limits = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public Builder usage(KeyUsage v) {
      usage = v;
      return this;
    }

    public Builder disabledAt(Instant v) {
      disabledAt = v;
      return this;
    }

    public Builder disableReason(String v) {
      disableReason = v;
      return this;
    }

    public Builder allowlist(IpAllowlist v) {
      allowlist = v;
      return this;
    }

    public Builder credits(Optional<Credits> v) {
      credits = v;
      return this;
    }

    public ApiKeyRecord build() {
      return new ApiKeyRecord(
          id,
          project,
          name,
          description,
          metadata,
          scopes,
          kind,
          prefix,
          createdAt,
          updatedAt,
          expiresAt,
          revokedAt,
          revokeReason,
          digest,
          previousDigest,
          previousExpiresAt,
          rotatedAt,
          rateLimit,
          limits,
          version,
          usage,
          disabledAt,
          disableReason,
          allowlist,
          credits);
    }
  }
}
