package dev.keygate.admin;

import dev.keygate.key.KeyKind;
import dev.keygate.key.RateLimitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A CreateKey request in domain terms, not yet validated.
 *
 * @param kind null = the sidecar's environment
 * @param expiresAt null = never
 * @param rateLimit null = the default
 * @param requestId null or "" = not idempotent
 */
public record NewKey(String project, String name, String description, Map<String, String> metadata,
    List<String> scopes, KeyKind kind, Instant expiresAt, RateLimitSpec rateLimit,
    String requestId) {}
