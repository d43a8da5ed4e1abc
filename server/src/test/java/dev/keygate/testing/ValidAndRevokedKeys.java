package dev.keygate.testing;

import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.RevokeKeyRequest;

/**
 * Two keys of scope {@code tasks:read}, one of them revoked: what the failover tests authorize in a
 * loop (the valid key must never be refused but with UNAVAILABLE, the revoked one never allowed).
 */
public record ValidAndRevokedKeys(String valid, String validId, String revoked) {
  /** Creates both keys on {@code kg} and revokes the second. */
  public static ValidAndRevokedKeys create(InProcessKeygate kg) {
    CreateKeyResponse valid = kg.createKey("tasks:read");
    CreateKeyResponse revoked = kg.createKey("tasks:read");
    kg.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder()
                .setId(revoked.getKey().getId())
                .setReason("leaked")
                .build());
    return new ValidAndRevokedKeys(valid.getSecret(), valid.getKey().getId(), revoked.getSecret());
  }
}
