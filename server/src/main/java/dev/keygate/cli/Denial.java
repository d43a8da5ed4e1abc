package dev.keygate.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.keygate.error.ErrorAnswers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A failed call as the command line reports it on stderr: the stable reason (keygate's
 * ErrorInfo.reason, else the gRPC code's name), the code and message, then any field violations,
 * retry delay and ErrorInfo metadata; and the exit code of its class.
 */
final class Denial {
  private static final String DOMAIN = "keygate";

  private Denial() {}

  /** Prints the failure and returns its exit code. */
  static ExitCode report(StatusRuntimeException e, PrintWriter err) {
    Status status = e.getStatus();
    String reason = status.getCode().name();
    Map<String, String> metadata = Map.of();
    List<String> details = new ArrayList<>();
    com.google.rpc.Status rich = StatusProto.fromThrowable(e);
    if (rich != null) {
      for (Any any : rich.getDetailsList()) {
        try {
          if (any.is(ErrorInfo.class)) {
            ErrorInfo info = any.unpack(ErrorInfo.class);
            if (DOMAIN.equals(info.getDomain())) {
              reason = info.getReason();
              metadata = info.getMetadataMap();
            }
          } else if (any.is(BadRequest.class)) {
            for (var v : any.unpack(BadRequest.class).getFieldViolationsList()) {
              details.add("field " + v.getField() + ": " + v.getDescription());
            }
          } else if (any.is(RetryInfo.class)) {
            var d = any.unpack(RetryInfo.class).getRetryDelay();
            details.add(
                "retry after: "
                    + ErrorAnswers.seconds(Duration.ofSeconds(d.getSeconds(), d.getNanos()))
                    + "s");
          }
        } catch (InvalidProtocolBufferException ignored) {
          // a corrupt detail: the code and message still say what happened
        }
      }
    }
    ExitCode exit = ExitCode.of(status.getCode());
    String message = status.getDescription() == null ? "" : ": " + status.getDescription();
    err.println("keygate: " + reason + " (" + status.getCode() + ")" + Table.clean(message, 1024));
    new TreeMap<>(metadata).forEach((k, v) -> details.add(k + ": " + v));
    for (String line : details) {
      err.println("  " + Table.clean(line, 1024));
    }
    err.println("  exit code " + exit.code());
    err.flush();
    return exit;
  }
}
