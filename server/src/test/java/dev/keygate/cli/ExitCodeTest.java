package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keygate.error.Reason;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
  @Test
  void of_everyReason_hasItsOwnClass() {
    for (Reason r : Reason.values()) {
      ExitCode code = ExitCode.of(r.grpcCode());
      if (r == Reason.ROUTE_MISCONFIGURED) {
        // INTERNAL: an Envoy configuration bug, not an answer about the key
        assertEquals(ExitCode.FAILED, code);
      } else {
        assertNotEquals(ExitCode.FAILED, code, r.name());
      }
    }
    assertEquals(3, ExitCode.of(Reason.KEY_REVOKED.grpcCode()).code());
    assertEquals(4, ExitCode.of(Reason.SCOPE_MISSING.grpcCode()).code());
    assertEquals(5, ExitCode.of(Reason.RATE_LIMITED.grpcCode()).code());
    assertEquals(5, ExitCode.of(Reason.AUTH_FAILURES_THROTTLED.grpcCode()).code());
    assertEquals(6, ExitCode.of(Reason.STORE_UNAVAILABLE.grpcCode()).code());
    assertEquals(6, ExitCode.of(Status.Code.DEADLINE_EXCEEDED).code());
    assertEquals(7, ExitCode.of(Reason.KEY_NOT_FOUND.grpcCode()).code());
    assertEquals(7, ExitCode.of(Reason.INVALID_ARGUMENT.grpcCode()).code());
    assertEquals(8, ExitCode.of(Reason.KEY_ALREADY_REVOKED.grpcCode()).code());
  }
}
