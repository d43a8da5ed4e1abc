package dev.keygate.error;

import com.google.gson.JsonObject;
import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one mapper from a refusal ({@link KeygateException}, or a denial's {@code toException()}) to
 * what a caller receives: a gRPC status with {@code google.rpc} details for the gRPC surfaces, and
 * the HTTP status, headers and JSON body for the HTTP ones (Envoy's denied response, forward-auth).
 * Both read the same {@link Reason} table.
 */
public final class ErrorAnswers {
  private ErrorAnswers() {}

  /**
   * The {@code google.rpc.Status}: always an ErrorInfo (domain "keygate", the stable reason,
   * metadata); BadRequest for invalid fields; RetryInfo when a retry delay is known; QuotaFailure
   * for rate limits and exhausted credits.
   */
  public static com.google.rpc.Status rpcStatus(KeygateException e) {
    Reason reason = e.reason();
    var status =
        com.google.rpc.Status.newBuilder()
            .setCode(reason.grpcCode().value())
            .setMessage(e.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain(Reason.DOMAIN)
                        .setReason(reason.name())
                        .putAllMetadata(e.metadata())
                        .build()));
    if (!e.violations().isEmpty()) {
      BadRequest.Builder bad = BadRequest.newBuilder();
      for (FieldViolation v : e.violations()) {
        bad.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(v.field())
                .setDescription(v.description()));
      }
      status.addDetails(Any.pack(bad.build()));
    }
    if (e.retryAfter() != null) {
      com.google.protobuf.Duration delay =
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(e.retryAfter().getSeconds())
              .setNanos(e.retryAfter().getNano())
              .build();
      status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(delay).build()));
    }
    if (reason == Reason.RATE_LIMITED || reason == Reason.CREDITS_EXHAUSTED) {
      boolean project = "project".equals(e.metadata().get("subject"));
      String subject =
          project
              ? "project:" + e.metadata().getOrDefault("project", "")
              : "key:" + e.metadata().getOrDefault("key_id", "");
      status.addDetails(
          Any.pack(
              QuotaFailure.newBuilder()
                  .addViolations(
                      QuotaFailure.Violation.newBuilder()
                          .setSubject(subject)
                          .setDescription(e.getMessage()))
                  .build()));
    }
    return status.build();
  }

  /**
   * The gRPC error for a refusal: status and message, and the {@code google.rpc.Status} with its
   * details in the {@code grpc-status-details-bin} trailer (what {@code StatusProto} writes).
   */
  public static StatusRuntimeException grpc(KeygateException e) {
    com.google.rpc.Status proto = rpcStatus(e);
    Metadata trailers = new Metadata();
    trailers.put(DETAILS, proto);
    return new Refusal(
        Status.fromCodeValue(proto.getCode()).withDescription(proto.getMessage()), trailers);
  }

  /** The trailer gRPC clients read {@code google.rpc} details from (as {@code StatusProto}). */
  private static final Metadata.Key<com.google.rpc.Status> DETAILS =
      Metadata.Key.of(
          "grpc-status-details-bin",
          ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

  /**
   * A refusal as gRPC's exception, without a stack trace: it is an answer, not a failure, and under
   * a flood of bad keys or a Redis outage there are thousands a second, each of which would
   * otherwise walk Netty's deep stack.
   */
  private static final class Refusal extends StatusRuntimeException {
    Refusal(Status status, Metadata trailers) {
      super(status, trailers);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  /**
   * An HTTP refusal.
   *
   * @param status the reason's HTTP status
   * @param headers in order, lower-case names; each replaces any header of that name
   * @param body the JSON body
   */
  public record Http(int status, List<Map.Entry<String, String>> headers, String body) {
    public Http {
      headers = List.copyOf(headers);
    }
  }

  /**
   * The HTTP refusal: the status from the reason table; a JSON body with {@code error}, {@code
   * message}, {@code reason} (and {@code retry_after}, {@code missing_scopes}, {@code
   * client_address} where they apply); {@code WWW-Authenticate} on 401 (RFC 6750); {@code
   * Retry-After} and {@code RateLimit-*} on a rate limit.
   */
  public static Http http(KeygateException e) {
    Reason reason = e.reason();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("content-type", "application/json"));
    headers.add(Map.entry("cache-control", "no-store"));
    JsonObject body = new JsonObject();
    body.addProperty("error", reason.grpcCode().name().toLowerCase(Locale.ROOT));
    body.addProperty("message", e.getMessage());
    body.addProperty("reason", reason.name());
    if (reason.grpcCode() == Status.Code.UNAUTHENTICATED) {
      // RFC 6750: no error code when no credential was sent, invalid_token otherwise
      headers.add(
          Map.entry(
              "www-authenticate",
              reason == Reason.KEY_MISSING
                  ? "Bearer realm=\"keygate\""
                  : "Bearer realm=\"keygate\", error=\"invalid_token\""));
    }
    if (e.retryAfter() != null) {
      long retry = seconds(e.retryAfter());
      body.addProperty("retry_after", retry);
      headers.add(Map.entry("retry-after", Long.toString(retry)));
      String limit = e.metadata().get("limit");
      if (limit != null) {
        headers.add(Map.entry("ratelimit-limit", limit));
        headers.add(Map.entry("ratelimit-remaining", "0"));
        headers.add(Map.entry("ratelimit-reset", Long.toString(retry)));
      }
    }
    String missing = e.metadata().get("missing_scopes");
    if (missing != null) {
      body.addProperty("missing_scopes", missing);
    }
    String creditsRemaining = e.metadata().get("credits_remaining");
    if (creditsRemaining != null) {
      body.addProperty("credits_remaining", Long.parseLong(creditsRemaining));
      String refill = e.metadata().get("next_refill_at");
      if (refill != null) {
        body.addProperty("next_refill_at", refill);
      }
    }
    String clientAddress = e.metadata().get("client_address");
    if (clientAddress != null) {
      body.addProperty("client_address", clientAddress);
    }
    return new Http(reason.httpStatus(), headers, body.toString());
  }

  /** Whole seconds, rounded up, at least 1: a client that waits this long may retry. */
  public static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
