package dev.keygate.ratelimit;

import dev.keygate.key.ApiKeyRecord;

/**
 * Told about a key's credits after every decision that counted them (lifecycle events: low,
 * exhausted). Called on the decision path: must be cheap and never block.
 */
@FunctionalInterface
public interface CreditsListener {
  CreditsListener NONE = (key, balance) -> {};

  /**
   * @param key the key whose credits were counted
   * @param balance what the decision left (or found, when it refused the call)
   */
  void counted(ApiKeyRecord key, CreditBalance balance);
}
