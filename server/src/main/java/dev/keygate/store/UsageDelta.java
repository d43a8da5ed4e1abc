package dev.keygate.store;

import java.time.Instant;

/**
 * Usage to add to one key.
 *
 * @param keyId the key
 * @param count successful authorizations to add
 * @param lastUsedAt the latest of them (its UTC day receives the day count)
 */
public record UsageDelta(String keyId, long count, Instant lastUsedAt) {}
