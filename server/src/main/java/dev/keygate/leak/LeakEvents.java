package dev.keygate.leak;

/**
 * The audit actions the leaked-key endpoint appends (through {@link dev.keygate.audit.AuditLog}, so
 * they reach ListEvents and whatever follows the audit trail).
 */
public final class LeakEvents {
  private LeakEvents() {}

  /** A report named a live keygate key whose secret matched: in the key's project trail. */
  public static final String LEAKED = "key.leaked";

  /** The reported key was revoked by the report ({@code KEYGATE_LEAK_ACTION=revoke}). */
  public static final String AUTO_REVOKED = "key.auto_revoked";

  /** The reported key was disabled by the report ({@code KEYGATE_LEAK_ACTION=disable}). */
  public static final String AUTO_DISABLED = "key.auto_disabled";

  /** A report refused before anything was looked at (sampled, global trail). */
  public static final String REPORT_REFUSED = "leak_report_refused";

  /** The audit surface of the endpoint's events. */
  public static final String SURFACE = "leak";
}
