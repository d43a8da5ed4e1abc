package dev.keygate.store;

import java.util.List;

/**
 * A usage flush that failed, saying which of its deltas Redis certainly did not apply ({@link
 * #retry()}: put them back for the next flush). The others were applied, or may have been (sent,
 * and no reply within the timeout): retrying those could count them twice, so they are not retried,
 * and a flush interrupted so under-counts rather than over-counts.
 */
public final class UsageNotRecordedException extends StoreUnavailableException {
  private final transient List<UsageDelta> retry;
  private final long uncertain;

  UsageNotRecordedException(
      String message, List<UsageDelta> retry, long uncertain, Throwable cause) {
    super(message, cause);
    this.retry = List.copyOf(retry);
    this.uncertain = uncertain;
  }

  /** The deltas Redis did not apply: safe to send again. */
  public List<UsageDelta> retry() {
    return retry;
  }

  /** Deltas that may or may not have been applied, and are not sent again. */
  public long uncertain() {
    return uncertain;
  }
}
