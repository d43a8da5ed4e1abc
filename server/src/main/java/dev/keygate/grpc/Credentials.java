package dev.keygate.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Takes the presented credential from call metadata ({@code authorization: Bearer <credential>},
 * else {@code x-api-key}) into the call's {@link Context}, so services read it without touching
 * headers. The value is never logged.
 */
public final class Credentials implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> X_API_KEY =
      Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> PRESENTED = Context.key("keygate-credential");
  private static final String BEARER = "bearer ";

  /** The credential sent with the current call; null if none. */
  public static String current() {
    return PRESENTED.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String credential = fromHeaders(headers.get(AUTHORIZATION), headers.get(X_API_KEY));
    if (credential == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(
        Context.current().withValue(PRESENTED, credential), call, headers, next);
  }

  /**
   * The credential in an Authorization value (Bearer scheme, any case), else the x-api-key value.
   */
  public static String fromHeaders(String authorization, String apiKey) {
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = authorization.substring(BEARER.length()).strip();
      if (!token.isEmpty()) {
        return token;
      }
    }
    return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
  }
}
