package dev.keygate.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.regex.Pattern;

/**
 * Takes the caller's {@code x-request-id} metadata into the call's {@link Context}, for the audit
 * trail. Only a plain token is kept (1-128 of {@code [A-Za-z0-9._:/-]}); anything else is ignored
 * rather than stored, since it is caller-controlled text.
 */
public final class RequestIds implements ServerInterceptor {
  static final Metadata.Key<String> X_REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> REQUEST_ID = Context.key("keygate-request-id");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

  /** The current call's request id; "" if none (or not a plain token). */
  public static String current() {
    String id = REQUEST_ID.get();
    return id == null ? "" : id;
  }

  /** {@code candidate} if it is a plain token, else "". */
  public static String sanitize(String candidate) {
    return candidate != null && PLAIN.matcher(candidate).matches() ? candidate : "";
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String id = sanitize(headers.get(X_REQUEST_ID));
    if (id.isEmpty()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(REQUEST_ID, id), call, headers, next);
  }
}
