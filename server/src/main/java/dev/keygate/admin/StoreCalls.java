package dev.keygate.admin;

import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.store.StoreNotDurableException;
import dev.keygate.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Store calls of the admin services, with the store's failures as the answers KeyAdmin gives:
 * {@code WRITE_NOT_REPLICATED} (applied, not yet on enough replicas; a retry is safe) and {@code
 * STORE_UNAVAILABLE}.
 */
final class StoreCalls {
  private StoreCalls() {}

  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StoreNotDurableException e) {
      throw new KeygateException(
          Reason.WRITE_NOT_REPLICATED,
          "the change to key "
              + e.keyId()
              + " was applied on the Redis master, but "
              + e.acknowledged()
              + " of the "
              + e.required()
              + " replicas required acknowledged it in time, so a failover could still lose it;"
              + " retrying is safe (a CreateKey retry with the same request_id answers"
              + " DUPLICATE_REQUEST naming this key, whose secret is not shown again)",
          Map.of("key_id", e.keyId()),
          List.of(),
          null);
    } catch (StoreUnavailableException e) {
      throw new KeygateException(
          Reason.STORE_UNAVAILABLE,
          "the key store is unreachable; retry later (a CreateKey retry with the same request_id never creates a second key)");
    }
  }
}
