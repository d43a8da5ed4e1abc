package dev.keygate.admin;

import dev.keygate.key.ApiKeyRecord;

/**
 * A key together with its full secret: the result of create and rotate, the only places a secret is
 * ever returned.
 */
public record CreatedKey(ApiKeyRecord key, String secret) {
  @Override
  public String toString() {
    return "CreatedKey[key=" + key + ", secret=<redacted>]";
  }
}
