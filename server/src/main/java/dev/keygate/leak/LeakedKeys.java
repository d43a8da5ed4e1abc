package dev.keygate.leak;

import dev.keygate.admin.Attribution;
import dev.keygate.admin.Caller;
import dev.keygate.admin.KeyService;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.ParsedKey;
import dev.keygate.store.KeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on a verified leak report: each match that is a live keygate key (right format and checksum,
 * a stored key, and the secret's digest matching it) is revoked or disabled through {@link
 * KeyService}, like an admin's RevokeKey, so the write's invalidation reaches every sidecar's cache
 * at once. Anything else is a false positive and changes nothing; a token that is not in keygate's
 * format is never looked up.
 */
public final class LeakedKeys {
  private static final Logger log = LoggerFactory.getLogger(LeakedKeys.class);

  /** The actor of the endpoint's audit events. */
  public static final String ACTOR = "github-secret-scanning";

  /** The revoke or disable is recorded (with the change) as made by the endpoint. */
  private static final Attribution BY = new Attribution(ACTOR, LeakEvents.SURFACE, "");

  /** The revoke or disable reason stored on the key. */
  static final String REASON = "leaked: reported by GitHub secret scanning";

  private final KeyFormat format;
  private final KeyHasher hasher;
  private final KeyStore store;
  private final KeyService keys;
  private final AuditLog audit;
  private final Clock clock;
  private final LeakAction action;

  /**
   * @param store the authoritative store (not the cache: a key revoked a moment ago must count)
   */
  public LeakedKeys(
      KeyFormat format,
      KeyHasher hasher,
      KeyStore store,
      KeyService keys,
      AuditLog audit,
      Clock clock,
      LeakAction action) {
    this.format = format;
    this.hasher = hasher;
    this.store = store;
    this.keys = keys;
    this.audit = audit;
    this.clock = clock;
    this.action = action;
  }

  /** GitHub's label for one match. */
  public enum Label {
    TRUE_POSITIVE("true_positive"),
    FALSE_POSITIVE("false_positive");

    private final String json;

    Label(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  /**
   * The answer for one match, in the program's response format.
   *
   * @param tokenHash SHA-256 of the token, lowercase hex (never the token itself)
   */
  public record Verdict(String tokenHash, String tokenType, Label label) {}

  /**
   * Handles every match of one report.
   *
   * @throws KeygateException STORE_UNAVAILABLE when the store cannot answer (GitHub retries)
   */
  public List<Verdict> handle(List<FoundToken> report) {
    List<Verdict> verdicts = new ArrayList<>(report.size());
    for (FoundToken found : report) {
      verdicts.add(new Verdict(sha256Hex(found.token()), found.type(), judge(found)));
    }
    return verdicts;
  }

  private Label judge(FoundToken found) {
    Optional<ParsedKey> parsed = format.parse(found.token());
    if (parsed.isEmpty()) {
      return Label.FALSE_POSITIVE;
    }
    Optional<ApiKeyRecord> stored = storeRead(parsed.get().keyId());
    if (stored.isEmpty()) {
      return Label.FALSE_POSITIVE;
    }
    ApiKeyRecord key = stored.get();
    Instant now = clock.instant();
    byte[] digest = hasher.digest(parsed.get().secret());
    boolean current = KeyHasher.matches(key.digest(), digest);
    boolean previous = KeyHasher.matches(key.previousDigest(), digest);
    if (!current && !previous) {
      // a well-formed key with a known id but another secret: not ours to act on
      return Label.FALSE_POSITIVE;
    }
    append(LeakEvents.LEAKED, key);
    // a secret replaced by rotation still opens the key during its grace period
    boolean works =
        current || (key.previousExpiresAt() != null && now.isBefore(key.previousExpiresAt()));
    if (works && act(key)) {
      append(LeakEvents.AUTO_REVOKED, key);
      log.warn(
          "key {} of project {} reported leaked: {}",
          key.id(),
          key.project(),
          action.label() + "d");
    }
    return Label.TRUE_POSITIVE;
  }

  /** Applies the action; false when the key was in that state already. */
  private boolean act(ApiKeyRecord key) {
    if (key.isRevoked() || (action == LeakAction.DISABLE && key.isDisabled())) {
      return false;
    }
    try {
      ApiKeyRecord after =
          action == LeakAction.REVOKE
              ? keys.revoke(Caller.ADMIN_TOKEN, key.id(), REASON, BY)
              : keys.disable(Caller.ADMIN_TOKEN, key.id(), REASON, BY);
      return after.version() != key.version();
    } catch (KeygateException e) {
      if (e.reason() == Reason.KEY_ALREADY_REVOKED || e.reason() == Reason.KEY_NOT_FOUND) {
        // revoked (or gone) since the read: nothing left to do
        return false;
      }
      throw e;
    }
  }

  private Optional<ApiKeyRecord> storeRead(String id) {
    try {
      return store.find(id);
    } catch (RuntimeException e) {
      throw new KeygateException(Reason.STORE_UNAVAILABLE, "the key store is unreachable");
    }
  }

  /** Appends an event; a failed append is logged, never thrown: the key must still be acted on. */
  private void append(String what, ApiKeyRecord key) {
    try {
      audit.append(
          new AuditEvent(
              "",
              clock.instant(),
              what,
              AuditEvent.OK,
              ACTOR,
              key.id(),
              key.project(),
              "",
              LeakEvents.SURFACE,
              0));
    } catch (RuntimeException e) {
      log.warn("audit event lost: {} of key {}: {}", what, key.id(), e.getMessage());
    }
  }

  static String sha256Hex(String token) {
    return sha256Hex(token.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
