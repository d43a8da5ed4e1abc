package dev.keygate.cli;

import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line's exit codes: one per class of outcome, so a script can tell a bad key from a
 * missing scope, a rate limit or a sidecar that is down without parsing text. The stable reason
 * (ErrorInfo.reason) goes to stderr for the finer distinction.
 */
public enum ExitCode {
  OK(0, "success (the key is allowed, for check)"),
  FAILED(1, "any other failure (an internal error, a secret file that cannot be written)"),
  USAGE(2, "usage error: unknown option, bad value, missing credential or configuration"),
  UNAUTHENTICATED(
      3,
      "UNAUTHENTICATED: the key or admin credential is missing, unknown, "
          + "expired, revoked or malformed"),
  PERMISSION_DENIED(4, "PERMISSION_DENIED: a scope is missing, or a key may not do this"),
  RESOURCE_EXHAUSTED(
      5, "RESOURCE_EXHAUSTED: rate limited, credits used up, or too many failed authentications"),
  UNAVAILABLE(
      6, "UNAVAILABLE / DEADLINE_EXCEEDED: the sidecar or its key store cannot be " + "reached"),
  REJECTED(7, "NOT_FOUND / INVALID_ARGUMENT: no such key, or the request is invalid"),
  CONFLICT(
      8,
      "FAILED_PRECONDITION / ALREADY_EXISTS / ABORTED: the key's state refused the change "
          + "(revoked, project full, duplicate request_id, concurrent change)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /** The exit code of a call that ended with this gRPC status. */
  public static ExitCode of(Status.Code status) {
    return switch (status) {
      case OK -> OK;
      case UNAUTHENTICATED -> UNAUTHENTICATED;
      case PERMISSION_DENIED -> PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> RESOURCE_EXHAUSTED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
      case NOT_FOUND, INVALID_ARGUMENT, OUT_OF_RANGE -> REJECTED;
      case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> CONFLICT;
      default -> FAILED;
    };
  }

  /** Code to meaning, in order, for the usage help's "Exit codes" section. */
  static Map<String, String> helpList() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      list.put(Integer.toString(c.code), c.meaning);
    }
    return list;
  }
}
