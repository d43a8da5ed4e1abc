package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.ParsedKey;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The decision path's read of one key record, asynchronous: the answer completes on the calling
 * thread when memory holds it (a cache hit, the in-memory store) and otherwise when the store
 * answers, without a thread parked per waiting read. It fails with {@link
 * StoreUnavailableException} when the store cannot answer within the read's bounds (the caller's
 * deadline, the store's own wait limit, the pending-read bulkhead, an open circuit breaker).
 */
@FunctionalInterface
public interface KeyLookup {

  /** The record with this id, or empty if there is none. */
  CompletableFuture<Optional<ApiKeyRecord>> lookup(String id, Deadline deadline);

  /**
   * A presented key that is not in keygate's format but may be an imported one: its lookup id for
   * {@link #lookup}. Empty (the default) when this reader knows no such keys, so the key is refused
   * as malformed without a store read ({@link dev.keygate.imports.ForeignKeys} overrides it).
   */
  default Optional<ParsedKey> foreign(String presented) {
    return Optional.empty();
  }

  /**
   * Reads a store that answers from memory without blocking (the in-memory store) on the calling
   * thread.
   */
  static KeyLookup inline(KeyStore store) {
    return (id, deadline) -> {
      try {
        return CompletableFuture.completedFuture(store.find(id));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }
}
