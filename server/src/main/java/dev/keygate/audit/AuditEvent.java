package dev.keygate.audit;

import java.time.Instant;
import java.util.Set;

/**
 * One entry of a project's audit trail: an admin action (with its outcome) or a sampled
 * authorization failure. Never holds key material: key ids only, and for failures only when the
 * presented secret's digest matched a stored key.
 *
 * @param id the stream entry id the log assigned ({@code <millis>-<seq>}); "" before appending
 * @param time when it happened (the server's clock)
 * @param action one of {@link #ACTIONS}
 * @param outcome {@value #OK}, or the stable reason of the failure ({@code SCOPE_MISSING}, …)
 * @param actor the calling key's id, {@value #ADMIN_TOKEN_ACTOR}, or "" when the caller could not
 *     be identified
 * @param keyId the key acted on (admin actions) or presented (failures); "" when unknown
 * @param project the project whose trail holds the event; "" for the global trail
 * @param requestId the caller's {@code x-request-id} (Envoy's request id for ext_authz), else
 *     CreateKey's {@code request_id}; "" when none
 * @param surface {@code admin}, {@code authorize} or {@code envoy}
 * @param droppedBefore failures of this trail not sampled since the previous sample (rate limit or
 *     full queue); 0 for admin actions
 */
public record AuditEvent(
    String id,
    Instant time,
    String action,
    String outcome,
    String actor,
    String keyId,
    String project,
    String requestId,
    String surface,
    long droppedBefore) {
  public static final String CREATE = "create";
  public static final String UPDATE = "update";
  public static final String ROTATE = "rotate";
  public static final String REVOKE = "revoke";
  public static final String DISABLE = "disable";
  public static final String ENABLE = "enable";

  /** A KeyAdmin call whose credential was refused (sampled). */
  public static final String ADMIN_AUTH_FAILED = "admin_auth_failed";

  /** An Authorize.Check or Envoy ext_authz denial (sampled). */
  public static final String AUTHORIZE_DENIED = "authorize_denied";

  /** A key's expiry is within the configured lead time (once per key and expiry). */
  public static final String KEY_EXPIRING = "key.expiring";

  /** A key's expiry has passed. */
  public static final String KEY_EXPIRED = "key.expired";

  /** A key's remaining credits fell to the configured share of its grant (once per period). */
  public static final String CREDITS_LOW = "credits.low";

  /** A key has no credits left (once per period). */
  public static final String CREDITS_EXHAUSTED = "credits.exhausted";

  /** A key's secret was reported as leaked. */
  public static final String KEY_LEAKED = "key.leaked";

  /** A leaked key was revoked or disabled without an operator. */
  public static final String KEY_AUTO_REVOKED = "key.auto_revoked";

  public static final Set<String> ACTIONS =
      Set.of(
          CREATE,
          UPDATE,
          ROTATE,
          REVOKE,
          ADMIN_AUTH_FAILED,
          AUTHORIZE_DENIED,
          DISABLE,
          ENABLE,
          KEY_EXPIRING,
          KEY_EXPIRED,
          CREDITS_LOW,
          CREDITS_EXHAUSTED,
          KEY_LEAKED,
          KEY_AUTO_REVOKED);
  public static final String OK = "ok";
  public static final String ADMIN_TOKEN_ACTOR = "admin-token";

  /** The actor of events keygate raises itself (expiry, credits). */
  public static final String KEYGATE_ACTOR = "keygate";

  /** The surface of events keygate raises itself. */
  public static final String LIFECYCLE_SURFACE = "lifecycle";

  public AuditEvent {
    id = orEmpty(id);
    actor = orEmpty(actor);
    keyId = orEmpty(keyId);
    project = orEmpty(project);
    requestId = orEmpty(requestId);
    surface = orEmpty(surface);
  }

  /** The same event with the id the log gave it. */
  public AuditEvent withId(String newId) {
    return new AuditEvent(
        newId, time, action, outcome, actor, keyId, project, requestId, surface, droppedBefore);
  }

  /**
   * True for events every watcher of all trails and every webhook receives: successful admin
   * actions and lifecycle events. Refusals (sampled, possibly many per second) stay in their
   * project's trail only.
   */
  public boolean broadcast() {
    return OK.equals(outcome);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
