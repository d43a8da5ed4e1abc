package dev.keygate.store;

import dev.keygate.config.KeygateConfig;

/** Opens the store the configuration asks for. */
public final class Stores {
  private Stores() {}

  /** Redis when {@code KEYGATE_REDIS_URL} is set, else the in-memory store. */
  public static KeyStore open(KeygateConfig config) {
    if (config.inMemory()) {
      return new InMemoryKeyStore();
    }
    return RedisKeyStore.connect(config.redisUrl(), config.redisTimeout(), config.redisNamespace());
  }
}
