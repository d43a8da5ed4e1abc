package dev.keygate.authz;

import dev.keygate.key.ApiKeyRecord;

/**
 * Told about every decision of every surface (counting, sampling into the audit trail). Called on
 * the request's thread, so implementations must be cheap and must never block or throw.
 */
public interface DecisionObserver {
  /** Observes nothing. */
  DecisionObserver NONE =
      new DecisionObserver() {
        @Override
        public void allowed(Surface surface, long nanos) {}

        @Override
        public void denied(
            Surface surface,
            Decision.Denied denied,
            ApiKeyRecord key,
            String requestId,
            long nanos) {}
      };

  /**
   * A call was allowed.
   *
   * @param nanos how long the decision took; 0 when it was not timed
   */
  void allowed(Surface surface, long nanos);

  /**
   * A call was refused.
   *
   * @param key the key whose stored digest the presented secret matched; null otherwise (no key,
   *     malformed, unknown id, wrong secret, or a refusal before any key was looked at)
   * @param requestId the caller's request id, "" when none
   * @param nanos how long the decision took; 0 when it was not timed
   */
  void denied(
      Surface surface, Decision.Denied denied, ApiKeyRecord key, String requestId, long nanos);
}
