package dev.keygate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.function.Executable;

/** Assertions on gRPC errors and their google.rpc details. */
public final class GrpcErrors {
  private GrpcErrors() {}

  /**
   * Asserts the call fails with {@code code} and an ErrorInfo of domain keygate and {@code reason};
   * returns the full status for further checks.
   */
  public static com.google.rpc.Status assertDenied(
      Status.Code code, String reason, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), () -> "status: " + e.getStatus());
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertNotNull(status, "no google.rpc.Status details");
    ErrorInfo info = detail(status, ErrorInfo.class);
    assertEquals("keygate", info.getDomain());
    assertEquals(reason, info.getReason(), () -> "message: " + status.getMessage());
    return status;
  }

  /** The first detail of the given type; fails if there is none. */
  public static <T extends Message> T detail(com.google.rpc.Status status, Class<T> type) {
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        try {
          return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + status.getDetailsList());
  }
}
