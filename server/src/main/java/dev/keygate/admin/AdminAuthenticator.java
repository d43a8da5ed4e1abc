package dev.keygate.admin;

import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.Surface;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an admin credential into a {@link Caller}: the bootstrap admin token (compared in constant
 * time), or an API key checked through the same {@link Authorizer} as any other call, needing
 * {@code keys:write} for changes and {@code keys:read} for reads.
 */
public final class AdminAuthenticator {
  public static final String KEYS_READ = "keys:read";
  public static final String KEYS_WRITE = "keys:write";

  private final byte[] adminTokenDigest;
  private final KeyFormat format;
  private final Authorizer authorizer;

  /**
   * @param adminToken the bootstrap token; null = none (only API keys may administer)
   */
  public AdminAuthenticator(String adminToken, KeyFormat format, Authorizer authorizer) {
    this.adminTokenDigest = adminToken == null ? null : sha256(adminToken);
    this.format = format;
    this.authorizer = authorizer;
  }

  /**
   * @param credential the bearer credential; null or empty if none was sent
   * @param requiredScope {@link #KEYS_READ} or {@link #KEYS_WRITE}
   * @throws KeygateException UNAUTHENTICATED / PERMISSION_DENIED / RESOURCE_EXHAUSTED
   */
  public Caller authenticate(String credential, String requiredScope) {
    return authenticate(credential, requiredScope, Call.of(Surface.ADMIN));
  }

  /**
   * As {@link #authenticate(String, String)} for a known call. A throttled client is refused before
   * the admin token is compared (so the token cannot be guessed at speed); a wrong admin token
   * counts as a failed authentication like a wrong key; every outcome is reported to the
   * authorizer's observer, so refusals are counted and sampled into the audit trail.
   */
  public Caller authenticate(String credential, String requiredScope, Call call) {
    Optional<Decision.Denied> throttled = authorizer.throttled(call);
    if (throttled.isPresent()) {
      throw throttled.get().toException();
    }
    if (credential == null || credential.isEmpty()) {
      throw refused(
          call,
          new Decision.Denied(
              Reason.KEY_MISSING,
              "KeyAdmin needs 'authorization: Bearer <admin token or API key>'",
              Map.of(),
              null));
    }
    // digesting both sides makes the comparison constant-time whatever the lengths
    if (adminTokenDigest != null && MessageDigest.isEqual(adminTokenDigest, sha256(credential))) {
      authorizer.observeAllowed(call);
      return Caller.ADMIN_TOKEN;
    }
    if (format.parse(credential).isEmpty()) {
      throw refused(
          call,
          new Decision.Denied(
              Reason.ADMIN_CREDENTIAL_INVALID,
              Reason.ADMIN_CREDENTIAL_INVALID.summary(),
              Map.of(),
              null));
    }
    Decision decision = authorizer.decide(credential, List.of(requiredScope), call);
    if (decision instanceof Decision.Denied denied) {
      throw denied.toException();
    }
    var key = ((Decision.Allowed) decision).key();
    return new Caller(key.id(), key.project(), key.scopes());
  }

  private KeygateException refused(Call call, Decision.Denied denied) {
    authorizer.observeDenied(call, denied);
    return denied.toException();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
