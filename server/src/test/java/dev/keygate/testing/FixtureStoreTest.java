package dev.keygate.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The service suites' second run is over Redis only if the fixture really picks the store the run
 * asks for: otherwise it would pass twice over the in-memory store and prove nothing more.
 */
class FixtureStoreTest {
  @Test
  void newFixture_usesTheRunsStore() {
    String wanted = System.getProperty(InProcessKeygate.STORE_PROPERTY, "memory");
    try (InProcessKeygate kg = new InProcessKeygate()) {
      String store = kg.app.store().describe();
      assertTrue(store.contains(wanted), "asked for " + wanted + ", got " + store);
    }
  }
}
