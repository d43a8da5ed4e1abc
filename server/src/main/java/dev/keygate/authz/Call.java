package dev.keygate.authz;

import dev.keygate.store.Deadline;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Who asks for a decision, besides the key: the surface (a metric label and audit field), the
 * client's identity (for failed-authentication throttling), the request id (audit) and how long the
 * caller waits for the answer.
 *
 * @param surface where the decision was asked for
 * @param client the caller's identity ({@link dev.keygate.throttle.ClientAddresses}); null when the
 *     surface cannot tell (such calls are never throttled)
 * @param requestId the caller's request id for the audit trail, "" when none
 * @param deadline the caller's deadline (a gRPC call's {@code grpc-timeout}); store reads never
 *     outlast it
 * @param address the client's full address by the trusted-peer rules ({@link
 *     dev.keygate.throttle.ClientAddresses#address}), checked against IP allowlists; empty when the
 *     surface cannot tell (a key with an allowlist is then refused)
 * @param cost the credits the call spends when allowed, 1 to {@link
 *     dev.keygate.ratelimit.LimitEvaluator#MAX_COST} (checked by the surface)
 */
public record Call(
    Surface surface,
    String client,
    String requestId,
    Deadline deadline,
    Optional<InetAddress> address,
    int cost) {
  public Call {
    requestId = requestId == null ? "" : requestId;
    deadline = deadline == null ? Deadline.none() : deadline;
    address = address == null ? Optional.empty() : address;
    if (cost < 1) {
      throw new IllegalArgumentException("a call costs at least 1");
    }
  }

  /** A call costing one credit. */
  public Call(
      Surface surface,
      String client,
      String requestId,
      Deadline deadline,
      Optional<InetAddress> address) {
    this(surface, client, requestId, deadline, address, 1);
  }

  /** A call whose client address is not known. */
  public Call(Surface surface, String client, String requestId, Deadline deadline) {
    this(surface, client, requestId, deadline, Optional.empty());
  }

  /** A call without a deadline of its own. */
  public Call(Surface surface, String client, String requestId) {
    this(surface, client, requestId, Deadline.none());
  }

  /** A call of {@code surface} from an unknown client without a request id. */
  public static Call of(Surface surface) {
    return new Call(surface, null, "");
  }
}
