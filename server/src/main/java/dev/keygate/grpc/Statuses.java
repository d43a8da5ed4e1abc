package dev.keygate.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one mapper from domain failures to gRPC statuses with {@code google.rpc} details: always an
 * ErrorInfo (domain "keygate", the stable reason, metadata); BadRequest for invalid fields;
 * RetryInfo and QuotaFailure for rate limits.
 */
public final class Statuses {
  private Statuses() {}

  /** The gRPC error for a domain failure. */
  public static StatusRuntimeException toStatus(KeygateException e) {
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
      status.addDetails(
          Any.pack(
              RetryInfo.newBuilder().setRetryDelay(ProtoMapper.duration(e.retryAfter())).build()));
    }
    if (reason == Reason.RATE_LIMITED) {
      status.addDetails(
          Any.pack(
              QuotaFailure.newBuilder()
                  .addViolations(
                      QuotaFailure.Violation.newBuilder()
                          .setSubject(
                              "project".equals(e.metadata().get("subject"))
                                  ? "project:" + e.metadata().getOrDefault("project", "")
                                  : "key:" + e.metadata().getOrDefault("key_id", ""))
                          .setDescription(e.getMessage()))
                  .build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }
}
