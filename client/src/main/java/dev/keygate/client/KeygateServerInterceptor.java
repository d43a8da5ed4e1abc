package dev.keygate.client;

import dev.keygate.api.v1.CheckResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Protects a gRPC service with keygate:
 *
 * <pre>{@code
 * ServerBuilder.forPort(8080)
 *     .addService(ServerInterceptors.intercept(tasks, new KeygateServerInterceptor(client, Map.of(
 *         "tasks.v1.Tasks/ListTasks", List.of("tasks:read"),
 *         "tasks.v1.Tasks/*", List.of("tasks:write")))))   // every other method of the service
 * }</pre>
 *
 * <p>Method names are gRPC's full names without the leading slash. Methods in {@code publicMethods}
 * pass without a key; every other unmapped method is denied (fail closed), so a new method cannot
 * slip through unprotected. A denial reaches the caller with keygate's own code, message and
 * google.rpc details (ErrorInfo reason, RetryInfo). The check blocks: it runs on the server's call
 * executor, so do not combine it with {@code directExecutor()}.
 *
 * <p>A handler reads keygate's decision for the call (key id, project, granted scopes) with {@link
 * #currentIdentity()}, or {@link #IDENTITY} on the call's {@link Context}.
 */
public final class KeygateServerInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> X_API_KEY =
      Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final String BEARER = "bearer ";

  /**
   * keygate's decision for the key that made the current call, in the handler's {@link Context}.
   * Not set on public methods, which check no key.
   */
  public static final Context.Key<CheckResponse> IDENTITY = Context.key("keygate-identity");

  /** The current call's {@link #IDENTITY}; empty outside a guarded call and on public methods. */
  public static Optional<CheckResponse> currentIdentity() {
    return Optional.ofNullable(IDENTITY.get());
  }

  private final KeygateClient client;
  private final Map<String, List<String>> scopes;
  private final Set<String> publicMethods;

  /** Guards the mapped methods; {@code publicMethods} need no key. */
  public KeygateServerInterceptor(
      KeygateClient client, Map<String, List<String>> scopes, Set<String> publicMethods) {
    this.client = client;
    this.scopes = Map.copyOf(scopes);
    this.publicMethods = Set.copyOf(publicMethods);
  }

  /** Guards the mapped methods; there are no public methods. */
  public KeygateServerInterceptor(KeygateClient client, Map<String, List<String>> scopes) {
    this(client, scopes, Set.of());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (publicMethods.contains(method)) {
      return next.startCall(call, headers);
    }
    List<String> required = required(method);
    if (required == null) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(method + " is not mapped to keygate scopes"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    CheckResponse decision;
    try {
      decision = client.authorize(presentedKey(headers), required);
    } catch (KeygateDenied denied) {
      var status = denied.toStatusRuntimeException();
      // pass on only keygate's google.rpc details, not whatever else the sidecar's trailers held
      Metadata trailers = new Metadata();
      byte[] details = status.getTrailers() == null ? null : status.getTrailers().get(DETAILS);
      if (details != null) {
        trailers.put(DETAILS, details);
      }
      call.close(status.getStatus(), trailers);
      return new ServerCall.Listener<>() {};
    }
    // Contexts.interceptCall attaches the context around every listener callback, so the handler
    // sees it whichever executor thread runs it
    return Contexts.interceptCall(
        Context.current().withValue(IDENTITY, decision), call, headers, next);
  }

  private List<String> required(String method) {
    List<String> exact = scopes.get(method);
    if (exact != null) {
      return exact;
    }
    int slash = method.lastIndexOf('/');
    return slash < 0 ? null : scopes.get(method.substring(0, slash) + "/*");
  }

  /** The key in {@code authorization: Bearer <key>}, else {@code x-api-key}; empty if none. */
  static String presentedKey(Metadata headers) {
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String token = authorization.substring(BEARER.length()).strip();
      if (!token.isEmpty()) {
        return token;
      }
    }
    String apiKey = headers.get(X_API_KEY);
    return apiKey == null ? "" : apiKey.strip();
  }
}
