package dev.keygate.error;

import io.grpc.Status;

/**
 * Every outcome keygate reports to a caller, with its gRPC code and HTTP equivalent: the one table
 * both the gRPC services and the Envoy surface map through. The enum names are the stable {@code
 * ErrorInfo.reason} strings (domain {@value #DOMAIN}); never rename one.
 */
public enum Reason {
  KEY_MISSING(Status.Code.UNAUTHENTICATED, 401, "no API key was presented"),
  KEY_MALFORMED(
      Status.Code.UNAUTHENTICATED,
      401,
      "the API key is not well-formed or its checksum does not match"),
  KEY_UNKNOWN(Status.Code.UNAUTHENTICATED, 401, "the API key is not known"),
  KEY_EXPIRED(Status.Code.UNAUTHENTICATED, 401, "the API key has expired"),
  KEY_REVOKED(Status.Code.UNAUTHENTICATED, 401, "the API key was revoked or replaced by rotation"),
  KEY_ENVIRONMENT_MISMATCH(
      Status.Code.UNAUTHENTICATED, 401, "the API key belongs to another environment"),
  ADMIN_CREDENTIAL_INVALID(
      Status.Code.UNAUTHENTICATED,
      401,
      "the admin credential is neither the admin token nor an API key"),
  SCOPE_MISSING(Status.Code.PERMISSION_DENIED, 403, "the API key lacks a required scope"),
  PROJECT_MISMATCH(
      Status.Code.PERMISSION_DENIED, 403, "the API key may only manage keys of its own project"),
  SCOPE_ESCALATION(
      Status.Code.PERMISSION_DENIED, 403, "a key may not grant a scope it does not hold"),
  ROUTE_DENIED(
      Status.Code.PERMISSION_DENIED,
      403,
      "no API key may make this request: no route rule allows it"),
  ROUTE_MISCONFIGURED(
      Status.Code.INTERNAL, 500, "the route's keygate_scope context extension is invalid"),
  RATE_LIMITED(Status.Code.RESOURCE_EXHAUSTED, 429, "the API key's rate limit is used up"),
  INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT, 400, "the request is invalid"),
  KEY_ALREADY_REVOKED(
      Status.Code.FAILED_PRECONDITION, 400, "the key is revoked and cannot be changed"),
  PROJECT_KEY_LIMIT(
      Status.Code.FAILED_PRECONDITION, 400, "the project has its maximum of active keys"),
  KEY_NOT_FOUND(Status.Code.NOT_FOUND, 404, "no key has this id"),
  DUPLICATE_REQUEST(
      Status.Code.ALREADY_EXISTS, 409, "a key was already created for this request_id"),
  CONCURRENT_MODIFICATION(Status.Code.ABORTED, 409, "the key changed concurrently; retry"),
  STORE_UNAVAILABLE(Status.Code.UNAVAILABLE, 503, "the key store is unreachable"),
  WRITE_NOT_REPLICATED(
      Status.Code.UNAVAILABLE,
      503,
      "the change was applied, but too few Redis replicas acknowledged it; retry"),
  AUTH_FAILURES_THROTTLED(
      Status.Code.RESOURCE_EXHAUSTED,
      429,
      "too many failed authentications from this client; retry later"),
  TARGET_SCOPE_NOT_HELD(
      Status.Code.PERMISSION_DENIED,
      403,
      "an API key may only change, rotate or revoke keys whose scopes it holds itself"),
  CONSTRAINT_LOOSENED(
      Status.Code.PERMISSION_DENIED,
      403,
      "an API key may not give a key a later expiry or a looser rate limit than its own"),
  // access controls (issue 13): a known, verified key that may not act now
  KEY_DISABLED(
      Status.Code.PERMISSION_DENIED, 403, "the API key is disabled; it can be enabled again"),
  CLIENT_ADDRESS_NOT_ALLOWED(
      Status.Code.PERMISSION_DENIED,
      403,
      "the client address is outside the API key's IP allowlist"),
  // metering (issue 13): the key's credits cannot cover the call's cost
  CREDITS_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, 429, "the API key's credits are used up"),
  // lifecycle events (issue 14)
  WATCHERS_EXHAUSTED(
      Status.Code.RESOURCE_EXHAUSTED,
      429,
      "the sidecar has its maximum of WatchEvents streams open; retry later"),
  EVENTS_TRIMMED(
      Status.Code.OUT_OF_RANGE,
      400,
      "the trail no longer holds the event to resume after; list the trail to catch up"),
  // the leaked-key endpoint (issue 14): refused secret-scanning reports, which change nothing
  LEAK_REPORT_UNSIGNED(
      Status.Code.UNAUTHENTICATED, 401, "the leak report carries no GitHub signature headers"),
  LEAK_REPORT_SIGNATURE_INVALID(
      Status.Code.UNAUTHENTICATED,
      401,
      "the leak report's signature does not verify with a configured GitHub public key"),
  LEAK_REPORT_TOO_LARGE(
      Status.Code.RESOURCE_EXHAUSTED, 413, "the leak report is larger than the endpoint accepts"),
  LEAK_REPORT_MALFORMED(
      Status.Code.INVALID_ARGUMENT, 400, "the leak report is not a JSON array of matches"),
  LEAK_REPORT_REPLAYED(
      Status.Code.ALREADY_EXISTS, 409, "the leak report was received and acted on before");

  /** The {@code ErrorInfo.domain} of every keygate error. */
  public static final String DOMAIN = "keygate";

  private final Status.Code grpcCode;
  private final int httpStatus;
  private final String summary;

  Reason(Status.Code grpcCode, int httpStatus, String summary) {
    this.grpcCode = grpcCode;
    this.httpStatus = httpStatus;
    this.summary = summary;
  }

  public Status.Code grpcCode() {
    return grpcCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** A fixed, secret-free sentence describing the reason. */
  public String summary() {
    return summary;
  }
}
