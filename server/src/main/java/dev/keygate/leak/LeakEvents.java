package dev.keygate.leak;

import dev.keygate.audit.AuditEvent;

/**
 * The audit actions the leaked-key endpoint appends (through {@link dev.keygate.audit.AuditLog}, so
 * they reach ListEvents and whatever follows the audit trail).
 */
public final class LeakEvents {
  private LeakEvents() {}

  /** A report named a live keygate key whose secret matched: in the key's project trail. */
  public static final String LEAKED = AuditEvent.KEY_LEAKED;

  /**
   * The report switched the reported key off: revoked, or disabled with {@code
   * KEYGATE_LEAK_ACTION=disable} (one event for both, as the audit trail's actions define it; the
   * key's state tells which).
   */
  public static final String AUTO_REVOKED = AuditEvent.KEY_AUTO_REVOKED;

  /** A report refused before anything was looked at (sampled, global trail). */
  public static final String REPORT_REFUSED = "leak_report_refused";

  /** The audit surface of the endpoint's events. */
  public static final String SURFACE = "leak";
}
