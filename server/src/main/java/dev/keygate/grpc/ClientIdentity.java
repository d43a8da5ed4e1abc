package dev.keygate.grpc;

import dev.keygate.throttle.ClientAddresses;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Puts the caller's client identity into the call's {@link Context} for failed-authentication
 * throttling, as {@link ClientAddresses} decides it from the connection's peer address and, from a
 * trusted peer, {@code x-forwarded-for} (so an application calling Authorize for its own clients
 * can pass their addresses on). The peer address itself is kept too, for surfaces whose requests
 * carry a claimed client of their own (Envoy's {@code source.address}).
 */
public final class ClientIdentity implements ServerInterceptor {
  static final Metadata.Key<String> FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CLIENT = Context.key("keygate-client");
  private static final Context.Key<SocketAddress> PEER = Context.key("keygate-peer");
  private static final Context.Key<String> FORWARDED = Context.key("keygate-forwarded-for");
  private static final Context.Key<Optional<InetAddress>> ADDRESS = Context.key("keygate-address");

  private final ClientAddresses addresses;

  public ClientIdentity(ClientAddresses addresses) {
    this.addresses = addresses;
  }

  /** The current call's client identity; null when unknown or loopback (never throttled). */
  public static String current() {
    return CLIENT.get();
  }

  /** The current call's connection peer; null when none was recorded. */
  public static SocketAddress peer() {
    return PEER.get();
  }

  /**
   * The current call's full client address ({@link ClientAddresses#address}, from the peer and
   * {@code x-forwarded-for}), for IP allowlists; empty when unknown.
   */
  public static Optional<InetAddress> address() {
    Optional<InetAddress> address = ADDRESS.get();
    return address == null ? Optional.empty() : address;
  }

  /** The current call's {@code x-forwarded-for} (repeats joined by commas); null if none. */
  public static String forwardedFor() {
    return FORWARDED.get();
  }

  /** Records only the peer, for a surface that resolves the client from its request. */
  public static ServerInterceptor peerOnly() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return peer == null
            ? next.startCall(call, headers)
            : Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
      }
    };
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Iterable<String> values = headers.getAll(FORWARDED_FOR);
    String forwarded = values == null ? null : String.join(",", values);
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String client = addresses.client(peer, null, forwarded);
    Context context =
        Context.current()
            .withValue(PEER, peer)
            .withValue(FORWARDED, forwarded)
            .withValue(ADDRESS, addresses.address(peer, null, forwarded));
    if (client != null) {
      context = context.withValue(CLIENT, client);
    }
    return Contexts.interceptCall(context, call, headers, next);
  }
}
