package dev.keygate.error;

/**
 * One invalid request field, reported as a {@code google.rpc.BadRequest.FieldViolation}.
 *
 * @param field the field path, e.g. {@code scopes[1]}
 * @param description what is wrong (never echoes secrets)
 */
public record FieldViolation(String field, String description) {}
