package dev.keygate.store;

import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;

/**
 * How a component beside the key store (audit log, event machinery, import index, leak reports)
 * reaches Redis: the store's client, within its per-call time budget and behind its circuit
 * breaker, with every Redis failure turned into {@link StoreUnavailableException}. The store closes
 * the client.
 */
public interface RedisCommands {
  /** Runs {@code call} on the client. */
  <T> T run(Function<UnifiedJedis, T> call);
}
