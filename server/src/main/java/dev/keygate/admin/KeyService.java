package dev.keygate.admin;

import dev.keygate.audit.AuditEvent;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CreateOutcome;
import dev.keygate.store.KeyPage;
import dev.keygate.store.KeyStore;
import dev.keygate.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key administration: validation, the per-project maximum of active keys, "no scope you do not
 * hold", and the create / update / revoke / rotate writes, each one atomic store operation.
 */
public final class KeyService {
  private static final Logger log = LoggerFactory.getLogger(KeyService.class);
  static final Duration MAX_GRACE = Duration.ofDays(30);
  static final int MAX_PAGE_SIZE = 1000;
  static final int DEFAULT_PAGE_SIZE = 100;
  private static final int MAX_ATTEMPTS = 5;

  private final KeyStore store;
  private final KeyFormat format;
  private final KeyHasher hasher;
  private final Clock clock;
  private final KeyKind environment;
  private final int maxActiveKeysPerProject;

  public KeyService(
      KeyStore store,
      KeyFormat format,
      KeyHasher hasher,
      Clock clock,
      KeyKind environment,
      int maxActiveKeysPerProject) {
    this.store = store;
    this.format = format;
    this.hasher = hasher;
    this.clock = clock;
    this.environment = environment;
    this.maxActiveKeysPerProject = maxActiveKeysPerProject;
  }

  /** As {@link #create(Caller, NewKey, Attribution)}, attributed to the caller. */
  public CreatedKey create(Caller caller, NewKey request) {
    return create(caller, request, Attribution.of(caller, request.requestId()));
  }

  /**
   * Creates a key; the secret in the result is never obtainable again. The key's id carries its
   * project's Redis Cluster slot, so the store writes the key, its project's indexes and the audit
   * event in one step.
   */
  public CreatedKey create(Caller caller, NewKey request, Attribution by) {
    Instant now = clock.instant();
    Validation v = new Validation();
    v.project("project", request.project());
    v.name("name", request.name());
    v.description("description", request.description());
    v.metadata("metadata", request.metadata());
    v.scopes("scopes", request.scopes());
    v.expiry("expires_at", request.expiresAt(), now);
    v.requestId("request_id", request.requestId());
    v.limits("limits", request.rateLimit(), request.limits());
    v.throwIfInvalid();
    Privileges.requireMayCreate(caller, request);
    KeyKind kind = request.kind() == null ? environment : request.kind();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      String id = format.newKeyId(request.project());
      String secret = format.newSecret(kind, id);
      ApiKeyRecord key =
          request.record(id, kind, format.displayPrefix(kind, id), hasher.digest(secret), now);
      AuditEvent event = by.event(AuditEvent.CREATE, key, now);
      CreateOutcome outcome =
          StoreCalls.call(
              () ->
                  store.create(
                      key, request.requestId(), maxActiveKeysPerProject, now, Optional.of(event)));
      switch (outcome.status()) {
        case CREATED -> {
          log.info("key {} created in project {} by {}", id, key.project(), caller.describe());
          return new CreatedKey(key, secret);
        }
        case DUPLICATE_REQUEST ->
            throw new KeygateException(
                Reason.DUPLICATE_REQUEST,
                "request_id was already used to create key "
                    + outcome.keyId()
                    + "; its secret is shown only once",
                Map.of("key_id", outcome.keyId()),
                List.of(),
                null);
        case PROJECT_FULL -> throw projectFull(request.project(), outcome.activeKeys());
        case ID_TAKEN -> log.debug("generated key id collided, drawing another");
      }
    }
    throw new IllegalStateException("could not draw an unused key id");
  }

  /**
   * The trail a refused write of {@code caller} is filed in: never one the caller cannot read, and
   * never a new one. A key's refusals go to its own project; the admin token's to the project of
   * the key the request names, else the project it names if that has keys, else the global trail
   * (""). Arbitrary names in refused requests so create no trails.
   *
   * @param targetId the key id the request names ("" for none)
   * @param project the project the request names (null for none or a malformed one)
   */
  public String trailOfRefusal(Caller caller, String targetId, String project) {
    if (!caller.isAdminToken()) {
      return caller.project();
    }
    try {
      if (Validation.isKeyId(targetId)) {
        Optional<ApiKeyRecord> target = store.find(targetId);
        if (target.isPresent()) {
          return target.get().project();
        }
      }
      if (project != null && !store.list(project, "", 1, true).keys().isEmpty()) {
        return project;
      }
    } catch (StoreUnavailableException e) {
      // the store cannot tell: the global trail (the append will likely fail the same way)
    }
    return "";
  }

  /** True if {@code project} is a well-formed project name (safe to name a trail after). */
  public static boolean isProject(String project) {
    return Validation.isProject(project);
  }

  /** True if {@code id} is a well-formed key id (safe to record). */
  public static boolean isKeyId(String id) {
    return Validation.isKeyId(id);
  }

  /** Returns one key. */
  public ApiKeyRecord get(Caller caller, String id) {
    Validation v = new Validation();
    v.keyId("id", id);
    v.throwIfInvalid();
    return Privileges.visible(caller, StoreCalls.call(() -> store.find(id)), id);
  }

  /** Returns one page of a project's keys. */
  public KeyPage list(
      Caller caller, String project, String pageToken, int pageSize, boolean includeRevoked) {
    Validation v = new Validation();
    v.project("project", project);
    v.pageToken("page_token", pageToken);
    v.check(
        pageSize >= 0 && pageSize <= MAX_PAGE_SIZE,
        "page_size",
        "must be 0 (default " + DEFAULT_PAGE_SIZE + ") to " + MAX_PAGE_SIZE);
    v.throwIfInvalid();
    Privileges.requireProject(caller, project);
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    try {
      return StoreCalls.call(() -> store.list(project, pageToken, size, includeRevoked));
    } catch (IllegalArgumentException e) {
      throw KeygateException.invalid(List.of(new FieldViolation("page_token", e.getMessage())));
    }
  }

  /** As {@link #update(Caller, String, KeyChanges, Attribution)}, attributed to the caller. */
  public ApiKeyRecord update(Caller caller, String id, KeyChanges changes) {
    return update(caller, id, changes, Attribution.of(caller, ""));
  }

  /** Applies the changes named in {@link KeyChanges#paths()}. */
  public ApiKeyRecord update(Caller caller, String id, KeyChanges changes, Attribution by) {
    Instant now = clock.instant();
    Validation v = new Validation();
    v.keyId("key.id", id);
    changes.validate(v, now);
    v.throwIfInvalid();
    return modify(
        caller,
        id,
        key -> {
          requireNotRevoked(key);
          if (changes.paths().contains("scopes")) {
            Privileges.requireGrantable(caller, changes.scopes());
          }
          ApiKeyRecord.Builder b = key.toBuilder();
          changes.applyTo(b);
          if (changes.paths().contains("credits")) {
            Privileges.requireNotOwnCredits(caller, key);
            // the generation is the version this write gets: newer than any balance counted so far
            b.credits(changes.credits().map(c -> c.at(key.version() + 1)));
          }
          ApiKeyRecord changed = b.build();
          // the new limits may clash with the stored ones the mask left alone
          Validation combined = new Validation();
          combined.limits("key.limits", changed.rateLimit(), changed.limits());
          combined.throwIfInvalid();
          Privileges.requireNotLooser(caller, Constraints.of(changed));
          if (!key.isActiveAt(now) && changed.isActiveAt(now)) {
            requireRoomToRevive(changed, now);
          }
          return changed;
        },
        AuditEvent.UPDATE,
        by);
  }

  /** As {@link #revoke(Caller, String, String, Attribution)}, attributed to the caller. */
  public ApiKeyRecord revoke(Caller caller, String id, String reason) {
    return revoke(caller, id, reason, Attribution.of(caller, ""));
  }

  /** Revokes a key at once. Revoking a revoked key changes nothing (and records nothing). */
  public ApiKeyRecord revoke(Caller caller, String id, String reason, Attribution by) {
    Validation v = new Validation();
    v.keyId("id", id);
    v.reason("reason", reason);
    v.throwIfInvalid();
    Instant now = clock.instant();
    return modify(
        caller,
        id,
        key -> key.isRevoked() ? null : key.toBuilder().revokedAt(now).revokeReason(reason).build(),
        AuditEvent.REVOKE,
        by);
  }

  /**
   * Switches a key off without revoking it, until {@link #enable}: every sidecar refuses it with
   * KEY_DISABLED once the write's invalidation reaches it. Disabling a disabled key changes nothing
   * (the first reason stays); a revoked key cannot be disabled (it is off for good already).
   */
  public ApiKeyRecord disable(Caller caller, String id, String reason) {
    return disable(caller, id, reason, Attribution.of(caller, ""));
  }

  /** As {@link #disable(Caller, String, String)}, attributed to {@code by}. */
  public ApiKeyRecord disable(Caller caller, String id, String reason, Attribution by) {
    Validation v = new Validation();
    v.keyId("id", id);
    v.reason("reason", reason);
    v.throwIfInvalid();
    Instant now = clock.instant();
    return modify(
        caller,
        id,
        key -> {
          requireNotRevoked(key);
          return key.isDisabled()
              ? null
              : key.toBuilder().disabledAt(now).disableReason(reason).build();
        },
        AuditEvent.DISABLE,
        by);
  }

  /** As {@link #enable(Caller, String, Attribution)}, attributed to the caller. */
  public ApiKeyRecord enable(Caller caller, String id) {
    return enable(caller, id, Attribution.of(caller, ""));
  }

  /** Switches a disabled key on again; enabling an enabled key changes nothing. */
  public ApiKeyRecord enable(Caller caller, String id, Attribution by) {
    Validation v = new Validation();
    v.keyId("id", id);
    v.throwIfInvalid();
    return modify(
        caller,
        id,
        key -> {
          requireNotRevoked(key);
          return key.isDisabled()
              ? key.toBuilder().disabledAt(null).disableReason("").build()
              : null;
        },
        AuditEvent.ENABLE,
        by);
  }

  /**
   * Issues a new secret. The old one keeps working until {@code now + grace}; with a zero grace it
   * stops at once (and is then answered with KEY_REVOKED, not KEY_UNKNOWN).
   */
  public CreatedKey rotate(Caller caller, String id, Duration grace) {
    return rotate(caller, id, grace, Attribution.of(caller, ""));
  }

  /** As {@link #rotate(Caller, String, Duration)}, attributed to {@code by}. */
  public CreatedKey rotate(Caller caller, String id, Duration grace, Attribution by) {
    Validation v = new Validation();
    v.keyId("id", id);
    v.check(
        !grace.isNegative() && grace.compareTo(MAX_GRACE) <= 0,
        "grace_period",
        "must be 0 to 30 days");
    v.throwIfInvalid();
    Instant now = clock.instant();
    String[] secret = new String[1];
    ApiKeyRecord rotated =
        modify(
            caller,
            id,
            key -> {
              // the caller learns the new secret: the key must not be freer than the caller
              Privileges.requireNotLooser(caller, Constraints.of(key));
              requireNotRevoked(key);
              secret[0] = format.newSecret(key.kind(), key.id());
              return key.toBuilder()
                  .previousDigest(key.digest())
                  .previousExpiresAt(now.plus(grace))
                  .digest(hasher.digest(secret[0]))
                  .rotatedAt(now)
                  .build();
            },
            AuditEvent.ROTATE,
            by);
    return new CreatedKey(rotated, secret[0]);
  }

  /**
   * Read-modify-write with optimistic concurrency: re-read and retry when another writer got in
   * between. {@code change} returns null for "nothing to do". The store writes the change and its
   * audit event ({@code action}, attributed to {@code by}) in one step; nothing done, nothing
   * recorded.
   */
  private ApiKeyRecord modify(
      Caller caller, String id, UnaryOperator<ApiKeyRecord> change, String action, Attribution by) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      ApiKeyRecord current = Privileges.visible(caller, StoreCalls.call(() -> store.find(id)), id);
      Privileges.requireHeld(caller, current);
      ApiKeyRecord changed = change.apply(current);
      if (changed == null) {
        // nothing to write (e.g. a retried revoke): its OK must still mean as durable as a write
        StoreCalls.call(
            () -> {
              store.confirmDurable(id);
              return null;
            });
        return current;
      }
      Instant at = clock.instant();
      ApiKeyRecord next = changed.toBuilder().updatedAt(at).version(current.version() + 1).build();
      AuditEvent event = by.event(action, next, at);
      boolean written;
      try {
        written = StoreCalls.call(() -> store.replace(next, current.version(), Optional.of(event)));
      } catch (NoSuchElementException e) {
        throw Privileges.notFound(id);
      }
      if (written) {
        log.info("key {}: {} by {}", id, action, caller.describe());
        return next.toBuilder().usage(current.usage()).build();
      }
    }
    throw new KeygateException(
        Reason.CONCURRENT_MODIFICATION, "key " + id + " kept changing concurrently; retry");
  }

  /** A revived key (expired, now active again) counts against the maximum like a new one. */
  private void requireRoomToRevive(ApiKeyRecord revived, Instant now) {
    OptionalLong full =
        StoreCalls.call(
            () ->
                store.reserveActive(
                    revived.project(),
                    revived.id(),
                    revived.expiresAt(),
                    maxActiveKeysPerProject,
                    now));
    if (full.isPresent()) {
      throw projectFull(revived.project(), full.getAsLong());
    }
  }

  private KeygateException projectFull(String project, long active) {
    return new KeygateException(
        Reason.PROJECT_KEY_LIMIT,
        "project "
            + project
            + " has "
            + active
            + " active keys, the maximum is "
            + maxActiveKeysPerProject
            + "; revoke one first",
        Map.of("limit", Integer.toString(maxActiveKeysPerProject)),
        List.of(),
        null);
  }

  private static void requireNotRevoked(ApiKeyRecord key) {
    if (key.isRevoked()) {
      throw new KeygateException(
          Reason.KEY_ALREADY_REVOKED, "key " + key.id() + " is revoked; create a new key instead");
    }
  }
}
