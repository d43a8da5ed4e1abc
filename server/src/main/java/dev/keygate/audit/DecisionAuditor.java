package dev.keygate.audit;

import dev.keygate.authz.Decision;
import dev.keygate.authz.DecisionObserver;
import dev.keygate.authz.Surface;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.metrics.KeygateMetrics;

/**
 * Counts every decision (per surface, outcome and reason) and samples refusals into the audit
 * trail: into the key's project trail when the presented secret matched a key, else into the global
 * trail. An unreachable store is counted but not sampled: it is an outage, not a refused caller,
 * and the append would fail the same way.
 */
public final class DecisionAuditor implements DecisionObserver {
  private final KeygateMetrics metrics;
  private final AuditTrail trail;

  public DecisionAuditor(KeygateMetrics metrics, AuditTrail trail) {
    this.metrics = metrics;
    this.trail = trail;
  }

  @Override
  public void allowed(Surface surface, long nanos) {
    metrics.allowed(surface, nanos);
  }

  @Override
  public void denied(
      Surface surface, Decision.Denied denied, ApiKeyRecord key, String requestId, long nanos) {
    metrics.denied(surface, denied.reason(), nanos);
    if (denied.reason() == Reason.STORE_UNAVAILABLE) {
      return;
    }
    String action =
        surface == Surface.ADMIN ? AuditEvent.ADMIN_AUTH_FAILED : AuditEvent.AUTHORIZE_DENIED;
    String keyId = key == null ? "" : key.id();
    trail.sampleFailure(
        action,
        denied.reason().name(),
        keyId,
        keyId,
        key == null ? "" : key.project(),
        requestId,
        surface.label());
  }
}
