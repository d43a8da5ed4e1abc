package dev.keygate.store;

/**
 * A write the Redis master applied, but that fewer replicas than {@code
 * KEYGATE_REDIS_WAIT_REPLICAS} acknowledged within {@code KEYGATE_REDIS_WAIT_TIMEOUT}: a failover
 * now could lose it. The change may well survive; the caller must not be told it is durable.
 */
public final class StoreNotDurableException extends StoreUnavailableException {
  private final String keyId;
  private final long acknowledged;
  private final int required;

  StoreNotDurableException(String keyId, long acknowledged, int required) {
    super(
        "key "
            + keyId
            + " was written on the Redis master but "
            + acknowledged
            + " of "
            + required
            + " replicas acknowledged it",
        null);
    this.keyId = keyId;
    this.acknowledged = acknowledged;
    this.required = required;
  }

  /** The key the write was for. */
  public String keyId() {
    return keyId;
  }

  public long acknowledged() {
    return acknowledged;
  }

  public int required() {
    return required;
  }
}
