package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.key.ApiKeyRecord;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where key records live. Every write is atomic: a failure never leaves a half-written key.
 * Implementations throw {@link StoreUnavailableException} when the backing store cannot answer.
 */
public interface KeyStore extends AutoCloseable {

  /**
   * Stores a new key (its {@code version} must be 1) unless the request id was seen before in the
   * project, the id is taken, or the project already has {@code maxActiveKeys} active keys at
   * {@code now}. The checks, the write and the append of {@code event} to the project's audit trail
   * are one atomic step (in Redis: when the key's id carries its project's Cluster slot, as every
   * id keygate draws does; see docs/scaling.md).
   *
   * @param requestId idempotency key, null or empty when the caller gave none
   * @param event the audit event recording the create, or empty for none
   */
  CreateOutcome create(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event);

  /** {@link #create(ApiKeyRecord, String, int, Instant, Optional)} without an audit event. */
  default CreateOutcome create(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    return create(key, requestId, maxActiveKeys, now, Optional.empty());
  }

  /** The key with this id, with its flushed usage counts. */
  Optional<ApiKeyRecord> find(String id);

  /**
   * {@link #find} for several ids at once; stores that can read them in one round trip (Redis:
   * pipelined) override this. The answer has one entry per distinct id asked for.
   */
  default Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
    for (String id : ids) {
      if (!found.containsKey(id)) {
        found.put(id, find(id));
      }
    }
    return found;
  }

  /**
   * How the decision path reads this store without blocking its caller: on the calling thread for a
   * store that answers from memory (the default), through a batching reader for Redis, through the
   * cache in front of either.
   */
  default KeyLookup reader() {
    return KeyLookup.inline(this);
  }

  /**
   * One page of a project's keys in creation order.
   *
   * @param pageToken the {@link KeyPage#nextPageToken()} of the previous page, or "" for the first
   * @throws IllegalArgumentException if the page token is not one this store issued
   */
  KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked);

  /**
   * Replaces a key's fields (not its usage counts) if its stored version is still {@code
   * expectedVersion}, and appends {@code event} to the project's audit trail in the same atomic
   * step (as for {@link #create(ApiKeyRecord, String, int, Instant, Optional) create}). The new
   * record carries the next version.
   *
   * @param event the audit event recording the change, or empty for none
   * @return false if the key changed in between (the caller re-reads and retries): nothing written
   * @throws java.util.NoSuchElementException if the key does not exist
   */
  boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event);

  /** {@link #replace(ApiKeyRecord, long, Optional)} without an audit event. */
  default boolean replace(ApiKeyRecord updated, long expectedVersion) {
    return replace(updated, expectedVersion, Optional.empty());
  }

  /**
   * Counts key {@code id} of {@code project} as active until {@code expiresAt} (null = never) if
   * the project has fewer than {@code maxActiveKeys} active keys at {@code now} besides it: the
   * check and the count are one atomic step, so reviving an expired key competes for the maximum
   * like a create. A key counted already is accepted. The caller then writes the record with {@link
   * #replace}, which keeps the count.
   *
   * @return empty if counted, else the project's active keys (it is full)
   */
  default java.util.OptionalLong reserveActive(
      String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
    if (delegate() == this) {
      throw new UnsupportedOperationException(describe() + " cannot revive keys");
    }
    return delegate().reserveActive(project, id, expiresAt, maxActiveKeys, now);
  }

  /**
   * Confirms that key {@code id}'s record as it stands is as durable as a write of it would be
   * (with {@code KEYGATE_REDIS_WAIT_REPLICAS}: on that many replicas): for a change that turned out
   * to need no write, e.g. a retried revoke, so that its OK means the same.
   *
   * @throws StoreNotDurableException if it cannot be confirmed
   */
  default void confirmDurable(String id) {
    if (delegate() != this) {
      delegate().confirmDurable(id);
    }
  }

  /** Audit events written together with their changes since start (a metric). */
  default long changeEventsWritten() {
    return delegate() == this ? 0 : delegate().changeEventsWritten();
  }

  /** Adds usage counts; deltas for keys that no longer exist are dropped. */
  void recordUsage(Collection<UsageDelta> deltas);

  /** True if the store answers now. */
  boolean ping();

  /** A one-line description for the startup log (never credentials). */
  String describe();

  /**
   * The store this one wraps (a cache, a batcher), or itself: {@link Stores#backing} follows it to
   * the bottom store, for what that offers besides keys (shared rate limits, the audit log).
   */
  default KeyStore delegate() {
    return this;
  }

  @Override
  void close();
}
