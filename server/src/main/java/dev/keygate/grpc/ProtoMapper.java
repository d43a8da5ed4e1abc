package dev.keygate.grpc;

import com.google.protobuf.Timestamp;
import dev.keygate.access.IpAllowlist;
import dev.keygate.admin.KeyChanges;
import dev.keygate.admin.NewKey;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyKind;
import dev.keygate.api.v1.KeyState;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.api.v1.Usage;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Translates between keygate.v1 messages and domain values; no logic beyond that. */
final class ProtoMapper {
  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the bounds of google.protobuf.Timestamp. */
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;

  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  /** The bound of google.protobuf.Duration: 10,000 years. */
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  private ProtoMapper() {}

  /** A key without credits, or whose balance is not at hand (the amount last set stands in). */
  static ApiKey toProto(ApiKeyRecord key, Instant now) {
    return toProto(key, key.credits().map(Credits::amount).orElse(0L), now);
  }

  /**
   * @param creditsLeft the key's credit balance now (ignored when it has no credits)
   */
  static ApiKey toProto(ApiKeyRecord key, long creditsLeft, Instant now) {
    ApiKey.Builder b =
        ApiKey.newBuilder()
            .setId(key.id())
            .setProject(key.project())
            .setName(key.name())
            .setDescription(key.description())
            .putAllMetadata(key.metadata())
            .addAllScopes(key.scopes())
            .setKind(toProto(key.kind()))
            .setPrefix(key.prefix())
            .setCreatedAt(timestamp(key.createdAt()))
            .setUpdatedAt(timestamp(key.updatedAt()))
            .setRevokeReason(key.revokeReason())
            .setState(
                key.isRevoked()
                    ? KeyState.KEY_STATE_REVOKED
                    : key.isExpiredAt(now)
                        ? KeyState.KEY_STATE_EXPIRED
                        : key.isDisabled()
                            ? KeyState.KEY_STATE_DISABLED
                            : KeyState.KEY_STATE_ACTIVE);
    if (key.expiresAt() != null) {
      b.setExpiresAt(timestamp(key.expiresAt()));
    }
    if (key.revokedAt() != null) {
      b.setRevokedAt(timestamp(key.revokedAt()));
    }
    if (key.rotatedAt() != null) {
      b.setRotatedAt(timestamp(key.rotatedAt()));
    }
    if (key.previousExpiresAt() != null && key.previousExpiresAt().isAfter(now)) {
      b.setPreviousSecretExpiresAt(timestamp(key.previousExpiresAt()));
    }
    if (key.rateLimit() != null) {
      b.setRateLimit(MeteringMapper.toProto(key.rateLimit()));
    }
    for (KeyLimit l : key.limits()) {
      b.addLimits(MeteringMapper.toProto(l));
    }
    key.credits().ifPresent(c -> b.setCredits(MeteringMapper.toProto(c, creditsLeft, now)));
    Usage.Builder usage =
        Usage.newBuilder()
            .setTotal(key.usage().total())
            .setToday(key.usage().countOn(LocalDate.ofInstant(now, ZoneOffset.UTC)));
    if (key.usage().lastUsedAt() != null) {
      usage.setLastUsedAt(timestamp(key.usage().lastUsedAt()));
    }
    if (key.disabledAt() != null) {
      b.setDisabledAt(timestamp(key.disabledAt())).setDisableReason(key.disableReason());
    }
    b.addAllAllowedCidrs(key.allowlist().texts());
    return b.setUsage(usage).build();
  }

  static LimitScope toProto(dev.keygate.key.LimitScope scope) {
    return switch (scope) {
      case LOCAL -> LimitScope.LIMIT_SCOPE_LOCAL;
      case GLOBAL -> LimitScope.LIMIT_SCOPE_GLOBAL;
      case DEFAULT -> LimitScope.LIMIT_SCOPE_UNSPECIFIED;
    };
  }

  static KeyKind toProto(dev.keygate.key.KeyKind kind) {
    return kind == dev.keygate.key.KeyKind.LIVE ? KeyKind.KEY_KIND_LIVE : KeyKind.KEY_KIND_TEST;
  }

  static NewKey fromProto(CreateKeyRequest r) {
    return new NewKey(
        r.getProject(),
        r.getName(),
        r.getDescription(),
        r.getMetadataMap(),
        List.copyOf(r.getScopesList()),
        kind(r.getKind()),
        r.hasExpiresAt() ? requestInstant("expires_at", r.getExpiresAt()) : null,
        r.hasRateLimit() ? MeteringMapper.rateLimit("rate_limit", r.getRateLimit()) : null,
        MeteringMapper.limits("limits", r.getLimitsList()),
        r.getRequestId(),
        IpAllowlist.parse("allowed_cidrs", r.getAllowedCidrsList()),
        r.hasCredits()
            ? Optional.of(MeteringMapper.credits("credits", r.getCredits()))
            : Optional.empty());
  }

  static KeyChanges fromProto(UpdateKeyRequest r) {
    ApiKey k = r.getKey();
    Set<String> paths = Set.copyOf(r.getUpdateMask().getPathsList());
    return new KeyChanges(
        paths,
        k.getName(),
        k.getDescription(),
        k.getMetadataMap(),
        List.copyOf(k.getScopesList()),
        k.hasExpiresAt() ? requestInstant("key.expires_at", k.getExpiresAt()) : null,
        k.hasRateLimit() && paths.contains("rate_limit")
            ? MeteringMapper.rateLimit("key.rate_limit", k.getRateLimit())
            : null,
        paths.contains("limits")
            ? MeteringMapper.limits("key.limits", k.getLimitsList())
            : List.of(),
        paths.contains("allowed_cidrs")
            ? IpAllowlist.parse("key.allowed_cidrs", k.getAllowedCidrsList())
            : IpAllowlist.NONE,
        k.hasCredits() && paths.contains("credits")
            ? Optional.of(MeteringMapper.credits("key.credits", k.getCredits()))
            : Optional.empty());
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /**
   * A timestamp from a request, checked against the range google.protobuf.Timestamp documents
   * (years 1 to 9999): beyond it the conversion to epoch milliseconds would overflow.
   */
  private static Instant requestInstant(String field, Timestamp t) {
    if (t.getSeconds() < MIN_TIMESTAMP_SECONDS
        || t.getSeconds() > MAX_TIMESTAMP_SECONDS
        || t.getNanos() < 0
        || t.getNanos() > 999_999_999) {
      throw KeygateException.invalid(
          List.of(
              new FieldViolation(field, "must be a valid timestamp between the years 1 and 9999")));
    }
    return instant(t);
  }

  /**
   * A duration from a request, checked against the range google.protobuf.Duration documents (about
   * ±10,000 years, nanos of the seconds' sign), so the conversion cannot overflow.
   */
  static Duration requestDuration(String field, com.google.protobuf.Duration d) {
    if (Math.abs(d.getSeconds()) > MAX_DURATION_SECONDS
        || Math.abs(d.getNanos()) > 999_999_999
        || (d.getSeconds() > 0 && d.getNanos() < 0)
        || (d.getSeconds() < 0 && d.getNanos() > 0)) {
      throw KeygateException.invalid(
          List.of(
              new FieldViolation(
                  field,
                  "must be a valid duration (seconds within ±315576000000, nanos of the same sign)")));
    }
    return duration(d);
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private static dev.keygate.key.KeyKind kind(KeyKind kind) {
    return switch (kind) {
      case KEY_KIND_LIVE -> dev.keygate.key.KeyKind.LIVE;
      case KEY_KIND_TEST -> dev.keygate.key.KeyKind.TEST;
      default -> null;
    };
  }

  /** An audit event on the wire. */
  static dev.keygate.api.v1.AuditEvent toProto(dev.keygate.audit.AuditEvent e) {
    return dev.keygate.api.v1.AuditEvent.newBuilder()
        .setId(e.id())
        .setTime(timestamp(e.time()))
        .setAction(e.action())
        .setOutcome(e.outcome())
        .setActor(e.actor())
        .setKeyId(e.keyId())
        .setProject(e.project())
        .setRequestId(e.requestId())
        .setSurface(e.surface())
        .setDroppedBefore(e.droppedBefore())
        .build();
  }
}
