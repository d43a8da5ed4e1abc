package dev.keygate.admin;

import dev.keygate.audit.AuditEvent;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.imports.ImportIndex;
import dev.keygate.imports.ImportSettings;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CreateOutcome;
import dev.keygate.store.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Importing one key from another system (KeyAdmin.ImportKeys), under CreateKey's rules: the same
 * validation, project and privilege checks (a caller cannot import a key it could not create) and
 * the same atomic create with the project's maximum of active keys.
 *
 * <p>A plain secret in keygate's format keeps its key id; any other secret gets a new id and is
 * found through the {@link ImportIndex} by digest when presented: keygate's HMAC of a plain secret,
 * or the legacy SHA-256 until the key's first use upgrades it ({@link
 * dev.keygate.imports.ForeignKeys}). The external id is claimed in the index before the key is
 * written, so a repeated or concurrent import of it answers ALREADY_IMPORTED, and an import cut off
 * half-way is finished by the next one with the same key id.
 */
public final class KeyImport {
  private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

  private final KeyStore store;
  private final KeyFormat format;
  private final KeyHasher hasher;
  private final Clock clock;
  private final KeyKind environment;
  private final int maxActiveKeysPerProject;
  private final ImportIndex index;
  private final ImportProof.Context proofs;

  public KeyImport(
      KeyStore store,
      KeyFormat format,
      KeyHasher hasher,
      Clock clock,
      KeyKind environment,
      int maxActiveKeysPerProject,
      ImportIndex index,
      ImportSettings settings) {
    this.store = store;
    this.format = format;
    this.hasher = hasher;
    this.clock = clock;
    this.environment = environment;
    this.maxActiveKeysPerProject = maxActiveKeysPerProject;
    this.index = index;
    this.proofs = new ImportProof.Context(format, hasher, settings, environment);
  }

  /** How one record ended. */
  public enum Status {
    IMPORTED,
    ALREADY_IMPORTED
  }

  /** A record imported now or before; {@code key} is the stored key. */
  public record Imported(Status status, ApiKeyRecord key) {}

  /**
   * Imports one record.
   *
   * @param field the record's place in the request, for field violations ({@code keys[3]})
   * @param by who the {@code import} audit event, written with the key, names
   * @throws KeygateException when the record is refused (nothing of it is kept)
   */
  public Imported importOne(Caller caller, ImportedKey record, String field, Attribution by) {
    Instant now = clock.instant();
    NewKey request = record.key();
    Validation v = new Validation();
    v.check(
        record.externalId() != null && EXTERNAL_ID.matcher(record.externalId()).matches(),
        field + ".external_id",
        "must be 1-128 characters of [A-Za-z0-9._:/@-]");
    String k = field + ".key.";
    v.project(k + "project", request.project());
    v.name(k + "name", request.name());
    v.description(k + "description", request.description());
    v.metadata(k + "metadata", request.metadata());
    v.scopes(k + "scopes", request.scopes());
    v.expiry(k + "expires_at", request.expiresAt(), now);
    v.limits(k + "limits", request.rateLimit(), request.limits());
    v.check(
        request.requestId() == null || request.requestId().isEmpty(),
        k + "request_id",
        "must be empty: external_id makes an import idempotent");
    ImportProof proof = ImportProof.of(record.secret(), request.kind(), field, v, proofs);
    v.throwIfInvalid();
    Privileges.requireMayCreate(caller, request);

    String project = request.project();
    // a drawn id carries the project's slot, so the key and its audit event are one write
    String keyId = proof.keyId().orElseGet(() -> format.newKeyId(project));
    String claimed =
        StoreCalls.call(() -> index.claimExternalId(project, record.externalId(), keyId));
    boolean fresh = claimed.equals(keyId);
    if (!fresh || proof.keyId().isPresent()) {
      Optional<ApiKeyRecord> earlier = StoreCalls.call(() -> store.find(claimed));
      if (earlier.isPresent()) {
        if (fresh && !KeyHasher.matches(earlier.get().digest(), proof.digest())) {
          // a keygate-format secret whose id another key holds
          release(project, record.externalId(), claimed);
          throw new KeygateException(
              Reason.DUPLICATE_REQUEST,
              "key id " + claimed + " exists already with another secret",
              Map.of("key_id", claimed),
              List.of(),
              null);
        }
        return new Imported(Status.ALREADY_IMPORTED, earlier.get());
      }
      if (!fresh && proof.keyId().isPresent()) {
        throw new KeygateException(
            Reason.DUPLICATE_REQUEST,
            "external_id " + record.externalId() + " names key " + claimed + " already",
            Map.of("key_id", claimed),
            List.of(),
            null);
      }
    }
    // claimed (now, or by an import cut off before its write): this import writes the key
    String id = claimed;
    if (proof.indexed().isPresent()) {
      String owner =
          StoreCalls.call(() -> index.claimDigest(proof.indexed().get(), proof.digest(), id));
      if (!owner.equals(id)) {
        release(project, record.externalId(), id);
        throw new KeygateException(
            Reason.DUPLICATE_REQUEST,
            "the same secret was imported already, as key " + owner,
            Map.of("key_id", owner),
            List.of(),
            null);
      }
    }
    ApiKeyRecord key =
        request.record(
            id,
            proof.kind(),
            proof.displayPrefix().orElse(format.displayPrefix(proof.kind(), id)),
            proof.digest(),
            now);
    Optional<AuditEvent> event = Optional.of(by.event(AuditEvent.IMPORT, key, now));
    CreateOutcome outcome =
        StoreCalls.call(() -> store.create(key, null, maxActiveKeysPerProject, now, event));
    switch (outcome.status()) {
      case CREATED -> {
        return new Imported(Status.IMPORTED, key);
      }
      case PROJECT_FULL -> {
        release(project, record.externalId(), id);
        proof.indexed().ifPresent(kind -> index.releaseDigest(kind, proof.digest(), id));
        throw new KeygateException(
            Reason.PROJECT_KEY_LIMIT,
            "project "
                + project
                + " has its maximum of "
                + maxActiveKeysPerProject
                + " active keys",
            Map.of("limit", Integer.toString(maxActiveKeysPerProject)),
            List.of(),
            null);
      }
      default -> {
        // ID_TAKEN: a keygate-format key whose id exists (imported under another external id,
        // or created here); a drawn id that collided is as rare as a create's
        release(project, record.externalId(), id);
        throw new KeygateException(
            Reason.DUPLICATE_REQUEST,
            "key id " + id + " exists already",
            Map.of("key_id", id),
            List.of(),
            null);
      }
    }
  }

  private void release(String project, String externalId, String id) {
    StoreCalls.call(
        () -> {
          index.releaseExternalId(project, externalId, id);
          return null;
        });
  }
}
