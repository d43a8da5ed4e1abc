package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InMemoryKeyStoreTest extends KeyStoreContract {
  @Override
  protected KeyStore newStore() {
    return new InMemoryKeyStore();
  }

  @Test
  void ping_alwaysTrue() {
    assertTrue(store.ping());
    assertTrue(store.describe().contains("in-memory"));
  }
}
