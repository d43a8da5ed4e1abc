package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportKeysResponse;
import dev.keygate.api.v1.ImportResult;
import dev.keygate.api.v1.ImportResult.Outcome;
import dev.keygate.api.v1.ImportedKey;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.audit.EventQuery;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyKind;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * KeyAdmin.ImportKeys over the run's store: plain secrets (keygate's format or a configured foreign
 * one) authorize afterwards, a repeat of an external id changes nothing, a bad record is reported
 * with its line while the rest import, and a caller cannot import what it could not create.
 */
class ImportKeysTest {
  private final InProcessKeygate kg =
      new InProcessKeygate(Map.of("KEYGATE_IMPORT_KEY_PREFIXES", "sk_live_,sk_test_"));

  @AfterEach
  void close() {
    kg.close();
  }

  static ImportedKey.Builder record(String externalId, String project, String... scopes) {
    return ImportedKey.newBuilder()
        .setExternalId(externalId)
        .setKey(
            CreateKeyRequest.newBuilder()
                .setProject(project)
                .setName("imported " + externalId)
                .addAllScopes(List.of(scopes)));
  }

  private ImportKeysResponse importAll(
      KeyAdminGrpc.KeyAdminBlockingStub as, ImportedKey.Builder... records) {
    ImportKeysRequest.Builder b = ImportKeysRequest.newBuilder();
    for (ImportedKey.Builder r : records) {
      b.addKeys(r);
    }
    return as.importKeys(b.build());
  }

  private CheckResponse check(String secret, String scope) {
    return kg.authorize()
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes(scope).build());
  }

  @Test
  void importKeys_foreignPlainSecret_authorizesWithItsScopes() {
    String secret = "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6";

    ImportResult r =
        importAll(kg.admin(), record("cust-1", "acme", "tasks:read").setPlainSecret(secret))
            .getResults(0);

    assertEquals(Outcome.IMPORTED, r.getOutcome(), r.toString());
    assertEquals(1, r.getLine());
    assertEquals(r.getKeyId(), check(secret, "tasks:read").getKeyId());
    assertDenied(Code.PERMISSION_DENIED, "SCOPE_MISSING", () -> check(secret, "tasks:write"));
    assertEquals(
        "sk_live_",
        kg.admin().getKey(GetKeyRequest.newBuilder().setId(r.getKeyId()).build()).getPrefix());
  }

  @Test
  void importKeys_keygateFormatSecret_keepsItsId() {
    String id = "ImportedId01";
    String secret = new KeyFormat("kg", new SecureRandom()).newSecret(KeyKind.LIVE, id);

    ImportResult r =
        importAll(kg.admin(), record("cust-2", "acme", "tasks:read").setPlainSecret(secret))
            .getResults(0);

    assertEquals(Outcome.IMPORTED, r.getOutcome(), r.toString());
    assertEquals(id, r.getKeyId());
    assertEquals(id, check(secret, "tasks:read").getKeyId());
  }

  @Test
  void importKeys_sameExternalIdAgain_alreadyImportedNothingChanged() {
    String secret = "sk_live_" + "Z".repeat(32);
    ImportResult first =
        importAll(kg.admin(), record("cust-3", "acme", "tasks:read").setPlainSecret(secret))
            .getResults(0);

    ImportResult again =
        importAll(kg.admin(), record("cust-3", "acme", "tasks:read").setPlainSecret(secret))
            .getResults(0);

    assertEquals(Outcome.IMPORTED, first.getOutcome());
    assertEquals(Outcome.ALREADY_IMPORTED, again.getOutcome(), again.toString());
    assertEquals(first.getKeyId(), again.getKeyId());
    assertEquals(
        1,
        kg.admin()
            .listKeys(ListKeysRequest.newBuilder().setProject("acme").build())
            .getKeysCount());
    List<String> imports =
        kg.app.auditLog().list("acme", new EventQuery("", 100, "", "")).events().stream()
            .filter(e -> e.action().equals(KeyImports.ACTION))
            .map(e -> e.keyId())
            .toList();
    assertEquals(List.of(first.getKeyId()), imports);
  }

  @Test
  void importKeys_sameSecretUnderAnotherExternalId_rejected() {
    String secret = "sk_live_" + "Q".repeat(32);
    importAll(kg.admin(), record("cust-4", "acme", "tasks:read").setPlainSecret(secret));

    ImportResult r =
        importAll(kg.admin(), record("cust-5", "acme", "tasks:read").setPlainSecret(secret))
            .getResults(0);

    assertEquals(Outcome.REJECTED, r.getOutcome());
    assertEquals("DUPLICATE_REQUEST", r.getReason());
  }

  @Test
  void importKeys_badRecords_reportedWithTheirLinesRestImported() {
    String good1 = "sk_live_" + "g".repeat(32);
    String good2 = "sk_test_" + "h".repeat(32);
    String unprefixed = "pk_" + "x".repeat(32);

    ImportKeysResponse answer =
        importAll(
            kg.admin(),
            record("ok-1", "acme", "tasks:read").setPlainSecret(good1).setLine(3),
            record("bad-scopes", "acme").setPlainSecret("sk_live_" + "b".repeat(32)).setLine(7),
            record("bad-prefix", "acme", "tasks:read").setPlainSecret(unprefixed).setLine(8),
            record("no-secret", "acme", "tasks:read").setLine(9),
            record("ok-2", "acme", "tasks:read").setPlainSecret(good2).setLine(12));

    List<ImportResult> r = answer.getResultsList();
    assertEquals(
        List.of(
            Outcome.IMPORTED,
            Outcome.REJECTED,
            Outcome.REJECTED,
            Outcome.REJECTED,
            Outcome.IMPORTED),
        r.stream().map(ImportResult::getOutcome).toList());
    assertEquals(List.of(3L, 7L, 8L, 9L, 12L), r.stream().map(ImportResult::getLine).toList());
    assertEquals("INVALID_ARGUMENT", r.get(1).getReason());
    assertEquals("keys[1].key.scopes", r.get(1).getFieldViolations(0).getField());
    assertEquals("keys[2].plain_secret", r.get(2).getFieldViolations(0).getField());
    assertEquals("keys[3].secret", r.get(3).getFieldViolations(0).getField());
    assertTrue(!answer.toString().contains(unprefixed), "a rejected secret is never echoed");
    assertEquals(r.get(0).getKeyId(), check(good1, "tasks:read").getKeyId());
  }

  @Test
  void importKeys_apiKeyCaller_cannotImportWhatItCouldNotCreate() {
    CreateKeyResponse caller = kg.createKey("keys:write", "tasks:read");
    KeyAdminGrpc.KeyAdminBlockingStub asKey =
        InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(kg.channel()), caller.getSecret());

    List<ImportResult> r =
        importAll(
                asKey,
                record("esc", "acme", "tasks:write").setPlainSecret("sk_live_" + "e".repeat(32)),
                record("other", "globex", "tasks:read").setPlainSecret("sk_live_" + "o".repeat(32)),
                record("fine", "acme", "tasks:read").setPlainSecret("sk_live_" + "f".repeat(32)))
            .getResultsList();

    assertEquals("SCOPE_ESCALATION", r.get(0).getReason());
    assertEquals("PROJECT_MISMATCH", r.get(1).getReason());
    assertEquals(Outcome.IMPORTED, r.get(2).getOutcome());
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_UNKNOWN",
        () -> check("sk_live_" + "e".repeat(32), "tasks:read"));
  }

  @Test
  void importKeys_emptyOrOversizedBatch_invalidArgument() {
    assertDenied(
        Code.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
        () -> kg.admin().importKeys(ImportKeysRequest.getDefaultInstance()));
    ImportKeysRequest.Builder big = ImportKeysRequest.newBuilder();
    for (int i = 0; i <= KeyImports.MAX_RECORDS; i++) {
      big.addKeys(record("x" + i, "acme", "tasks:read"));
    }
    assertDenied(
        Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> kg.admin().importKeys(big.build()));
  }

  @Test
  void authorize_unknownForeignKey_unknownWithoutPrefixMalformed() {
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_UNKNOWN",
        () -> check("sk_live_" + "u".repeat(32), "tasks:read"));
    assertDenied(
        Code.UNAUTHENTICATED,
        "KEY_MALFORMED",
        () -> check("pk_live_" + "u".repeat(32), "tasks:read"));
  }
}
