package dev.keygate.admin;

import dev.keygate.audit.AuditEvent;
import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;

/**
 * Who a key change is recorded as made by, in the audit event that the store writes together with
 * the change (see {@link dev.keygate.store.KeyStore#replace}).
 *
 * @param actor the calling key's id, {@value AuditEvent#ADMIN_TOKEN_ACTOR}, or a component's name
 * @param surface {@code admin} for KeyAdmin calls, else the component's surface ({@code leak})
 * @param requestId the call's request id, "" when none
 */
public record Attribution(String actor, String surface, String requestId) {
  /** The surface of KeyAdmin calls. */
  public static final String ADMIN = "admin";

  public Attribution {
    requestId = requestId == null ? "" : requestId;
  }

  /** A KeyAdmin call of {@code caller}. */
  public static Attribution of(Caller caller, String requestId) {
    return new Attribution(
        caller.isAdminToken() ? AuditEvent.ADMIN_TOKEN_ACTOR : caller.keyId(), ADMIN, requestId);
  }

  /** The event of {@code action} done to {@code key} at {@code time}, for the key's trail. */
  public AuditEvent event(String action, ApiKeyRecord key, Instant time) {
    return new AuditEvent(
        "", time, action, AuditEvent.OK, actor, key.id(), key.project(), requestId, surface, 0);
  }
}
