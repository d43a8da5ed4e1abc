package dev.keygate.authz;

/**
 * Who asks for a decision, besides the key: the surface (a metric label and audit field), the
 * client's identity (for failed-authentication throttling) and the request id (audit).
 *
 * @param surface where the decision was asked for
 * @param client the caller's identity ({@link dev.keygate.throttle.ClientAddresses}); null when the
 *     surface cannot tell (such calls are never throttled)
 * @param requestId the caller's request id for the audit trail, "" when none
 */
public record Call(Surface surface, String client, String requestId) {
  public Call {
    requestId = requestId == null ? "" : requestId;
  }

  /** A call of {@code surface} from an unknown client without a request id. */
  public static Call of(Surface surface) {
    return new Call(surface, null, "");
  }
}
