package dev.keygate.grpc;

import dev.keygate.throttle.ClientAddresses;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Puts the caller's client identity into the call's {@link Context} for failed-authentication
 * throttling: the connection's peer address ({@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}) or, when
 * trusted proxy hops are configured, the address they wrote into {@code x-forwarded-for} (so an
 * application calling Authorize for its own clients can pass their addresses on).
 */
public final class ClientIdentity implements ServerInterceptor {
  static final Metadata.Key<String> FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CLIENT = Context.key("keygate-client");

  private final int trustedProxyHops;

  /**
   * @param trustedProxyHops {@code KEYGATE_TRUSTED_PROXY_HOPS}; 0 = the peer address only
   */
  public ClientIdentity(int trustedProxyHops) {
    this.trustedProxyHops = trustedProxyHops;
  }

  /** The current call's client identity; null when unknown (in-process calls). */
  public static String current() {
    return CLIENT.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String forwarded = null;
    if (trustedProxyHops > 0) {
      Iterable<String> values = headers.getAll(FORWARDED_FOR);
      forwarded = values == null ? null : String.join(",", values);
    }
    String client =
        ClientAddresses.resolve(
            ClientAddresses.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)),
            forwarded,
            trustedProxyHops);
    if (client == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
  }
}
