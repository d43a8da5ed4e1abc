package dev.keygate.client;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keygate refused a call (or could not be asked). {@link #reason()} is keygate's stable ErrorInfo
 * reason ({@code KEY_UNKNOWN}, {@code SCOPE_MISSING}, {@code RATE_LIMITED}, …), or the gRPC code's
 * name when the failure did not come from keygate itself (sidecar down, deadline).
 */
public final class KeygateDenied extends RuntimeException {
  static final String DOMAIN = "keygate";

  private final transient StatusRuntimeException cause;
  private final String reason;
  private final Map<String, String> metadata;
  private final Duration retryAfter;
  private final List<QuotaFailure.Violation> quotaViolations;
  private final List<BadRequest.FieldViolation> fieldViolations;

  private KeygateDenied(
      StatusRuntimeException cause,
      String reason,
      Map<String, String> metadata,
      Duration retryAfter,
      List<QuotaFailure.Violation> quota,
      List<BadRequest.FieldViolation> fields) {
    super(
        cause.getStatus().getCode() + " " + reason + ": " + cause.getStatus().getDescription(),
        null,
        false,
        false); // no stack trace: a denial is an expected outcome, not a bug
    this.cause = cause;
    this.reason = reason;
    this.metadata = Map.copyOf(metadata);
    this.retryAfter = retryAfter;
    this.quotaViolations = List.copyOf(quota);
    this.fieldViolations = List.copyOf(fields);
  }

  /** Decodes the google.rpc details of a failed keygate call. */
  public static KeygateDenied from(StatusRuntimeException e) {
    String reason = e.getStatus().getCode().name();
    Map<String, String> metadata = Map.of();
    Duration retryAfter = null;
    List<QuotaFailure.Violation> quota = List.of();
    List<BadRequest.FieldViolation> fields = List.of();
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status != null) {
      for (var any : status.getDetailsList()) {
        try {
          if (any.is(ErrorInfo.class)) {
            ErrorInfo info = any.unpack(ErrorInfo.class);
            if (DOMAIN.equals(info.getDomain())) {
              reason = info.getReason();
              metadata = info.getMetadataMap();
            }
          } else if (any.is(RetryInfo.class)) {
            var d = any.unpack(RetryInfo.class).getRetryDelay();
            retryAfter = Duration.ofSeconds(d.getSeconds(), d.getNanos());
          } else if (any.is(QuotaFailure.class)) {
            quota = any.unpack(QuotaFailure.class).getViolationsList();
          } else if (any.is(BadRequest.class)) {
            fields = any.unpack(BadRequest.class).getFieldViolationsList();
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
          // a corrupt detail: keep what the status code and message already say
        }
      }
    }
    return new KeygateDenied(e, reason, metadata, retryAfter, quota, fields);
  }

  /** The gRPC status code (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED, …). */
  public Status.Code code() {
    return cause.getStatus().getCode();
  }

  /** keygate's stable reason, or the code's name for failures that did not come from keygate. */
  public String reason() {
    return reason;
  }

  /** ErrorInfo metadata ({@code key_id}, {@code missing_scopes}, …). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** How long to wait before retrying (RetryInfo), if keygate said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** QuotaFailure violations (rate limits). */
  public List<QuotaFailure.Violation> quotaViolations() {
    return quotaViolations;
  }

  /** BadRequest field violations (invalid admin requests). */
  public List<BadRequest.FieldViolation> fieldViolations() {
    return fieldViolations;
  }

  /** The HTTP status keygate's table gives this failure; 500 for codes outside the table. */
  public int httpStatus() {
    return switch (code()) {
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case UNAVAILABLE -> 503;
      default -> 500;
    };
  }

  /** keygate's status exactly as it came, details included, to pass on to a caller. */
  public StatusRuntimeException toStatusRuntimeException() {
    return cause;
  }
}
