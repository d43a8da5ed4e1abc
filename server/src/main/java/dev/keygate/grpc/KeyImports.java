package dev.keygate.grpc;

import dev.keygate.admin.Attribution;
import dev.keygate.admin.Caller;
import dev.keygate.admin.ImportedKey;
import dev.keygate.admin.KeyImport;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.api.v1.ImportFieldViolation;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportKeysResponse;
import dev.keygate.api.v1.ImportResult;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditTrail;
import dev.keygate.authz.Surface;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.events.LifecycleEvents;
import dev.keygate.metrics.KeygateMetrics;
import java.util.List;

/**
 * KeyAdmin.ImportKeys: each record of the batch mapped, imported ({@link KeyImport}) and answered
 * on its own, so a bad record is reported with its line and the rest continue. Each imported key is
 * appended to its project's audit trail as {@value #ACTION}; each refused record is sampled like a
 * refused write.
 */
final class KeyImports {
  /** Records per call at most (a request stays well under the 1 MiB message bound). */
  static final int MAX_RECORDS = 1000;

  /** The audit action of an imported key. */
  static final String ACTION = "import";

  private final KeyImport importer;
  private final KeyService keys;
  private final AuditTrail trail;
  private final KeygateMetrics metrics;
  private final LifecycleEvents lifecycle;

  KeyImports(
      KeyImport importer,
      KeyService keys,
      AuditTrail trail,
      KeygateMetrics metrics,
      LifecycleEvents lifecycle) {
    this.importer = importer;
    this.keys = keys;
    this.trail = trail;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
  }

  ImportKeysResponse run(Caller caller, ImportKeysRequest request, String requestId) {
    int n = request.getKeysCount();
    if (n == 0 || n > MAX_RECORDS) {
      throw KeygateException.invalid(
          List.of(new FieldViolation("keys", "must hold 1-" + MAX_RECORDS + " records")));
    }
    ImportKeysResponse.Builder response = ImportKeysResponse.newBuilder();
    for (int i = 0; i < n; i++) {
      response.addResults(one(caller, request.getKeys(i), i, requestId));
    }
    return response.build();
  }

  private ImportResult one(
      Caller caller, dev.keygate.api.v1.ImportedKey record, int index, String requestId) {
    long line = record.getLine() == 0 ? index + 1 : record.getLine();
    String field = "keys[" + index + "]";
    ImportResult.Builder result =
        ImportResult.newBuilder().setLine(line).setExternalId(record.getExternalId());
    String project =
        KeyService.isProject(record.getKey().getProject()) ? record.getKey().getProject() : null;
    try {
      NewKey key;
      try {
        key = ProtoMapper.fromProto(record.getKey());
      } catch (KeygateException e) {
        throw prefixed(e, field + ".key.");
      }
      KeyImport.Imported imported =
          importer.importOne(
              caller,
              new ImportedKey(line, record.getExternalId(), key, secret(record)),
              field,
              Attribution.of(caller, requestId));
      result.setKeyId(imported.key().id());
      if (imported.status() == KeyImport.Status.IMPORTED) {
        result.setOutcome(ImportResult.Outcome.IMPORTED);
        // an imported expiry raises key.expiring / key.expired like a created one
        lifecycle.keyStored(imported.key());
        // the import's audit event was written with the key
        metrics.adminAction(ACTION, AuditEvent.OK);
      } else {
        result.setOutcome(ImportResult.Outcome.ALREADY_IMPORTED);
      }
    } catch (KeygateException e) {
      metrics.adminAction(ACTION, e.reason().name());
      trail.sampleFailure(
          ACTION,
          e.reason().name(),
          Attribution.of(caller, requestId).actor(),
          "",
          keys.trailOfRefusal(caller, "", project),
          requestId,
          Surface.ADMIN.label());
      result
          .setOutcome(ImportResult.Outcome.REJECTED)
          .setReason(e.reason().name())
          .setMessage(e.getMessage());
      for (FieldViolation v : e.violations()) {
        result.addFieldViolations(
            ImportFieldViolation.newBuilder().setField(v.field()).setDescription(v.description()));
      }
    }
    return result.build();
  }

  private static ImportedKey.ImportSecret secret(dev.keygate.api.v1.ImportedKey record) {
    return switch (record.getSecretCase()) {
      case PLAIN_SECRET -> new ImportedKey.Plain(record.getPlainSecret());
      case LEGACY_SHA256 ->
          new ImportedKey.LegacySha256(record.getLegacySha256(), record.getLegacyPrefix());
      case SECRET_NOT_SET -> new ImportedKey.Missing();
    };
  }

  /** The mapper's violations name fields of CreateKeyRequest: place them inside the record. */
  private static KeygateException prefixed(KeygateException e, String prefix) {
    if (e.violations().isEmpty()) {
      return e;
    }
    return KeygateException.invalid(
        e.violations().stream()
            .map(v -> new FieldViolation(prefix + v.field(), v.description()))
            .toList());
  }
}
