package dev.keygate.http;

import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.Surface;
import dev.keygate.envoy.EnvoySettings;
import dev.keygate.envoy.PresentedKey;
import dev.keygate.envoy.RouteDecisions;
import dev.keygate.error.Reason;
import dev.keygate.grpc.RequestIds;
import dev.keygate.store.Deadline;
import dev.keygate.throttle.ClientAddresses;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One auth request of a proxy mapped to one decision call and back, independent of the transport:
 * the endpoint's convention gives the original method and path ({@link OriginalRequest}), the
 * configured headers the key, the route table or the proxy's scope header the requirement ({@link
 * RouteDecisions}, shared with Envoy's gRPC surface), and {@link HttpAnswers} the answer.
 */
public final class HttpAuthorization {
  private final Authorizer authorizer;
  private final RouteDecisions routes;
  private final List<String> keyHeaders;
  private final boolean removeKeyHeaders;
  private final String envoyPrefix;
  private final String scopeHeader;
  private final String costHeader;
  private final ClientAddresses addresses;

  /**
   * @param addresses who the client is: the proxy is the peer, and its {@code x-forwarded-for} is
   *     believed only when the peer is trusted ({@code KEYGATE_TRUSTED_PEERS}) and only as far as
   *     {@code KEYGATE_TRUSTED_PROXY_HOPS} says, the same rule as the gRPC surfaces
   */
  public HttpAuthorization(
      Authorizer authorizer, EnvoySettings envoy, HttpSettings http, ClientAddresses addresses) {
    this.authorizer = authorizer;
    this.routes = new RouteDecisions(authorizer, envoy);
    this.keyHeaders = envoy.keyHeaders();
    this.removeKeyHeaders = envoy.removeKeyHeaders();
    this.envoyPrefix = http.envoyPrefix();
    this.scopeHeader = http.scopeHeader();
    this.costHeader = http.costHeader();
    this.addresses = addresses;
  }

  /**
   * The answer to an auth request. It completes on the calling thread when memory decides (a cache
   * hit, a malformed key, a refused route), else on the thread that read the store.
   *
   * @param peer the connection's peer: the proxy
   */
  public CompletionStage<HttpAnswer> answer(
      String method, String uri, OriginalRequest.Headers headers, SocketAddress peer) {
    String forwardedFor = headers.joined("x-forwarded-for");
    OptionalInt cost = RouteDecisions.cost(costHeader == null ? null : headers.joined(costHeader));
    Call call =
        new Call(
            Surface.HTTP,
            client(peer, forwardedFor),
            RequestIds.sanitize(headers.joined("x-request-id")),
            Deadline.none(),
            addresses.address(peer, null, forwardedFor),
            cost.orElse(1));
    OriginalRequest original;
    try {
      original = OriginalRequest.of(method, uri, headers, envoyPrefix);
    } catch (IllegalArgumentException e) {
      Decision.Denied denied =
          new Decision.Denied(Reason.INVALID_ARGUMENT, e.getMessage(), Map.of(), null);
      authorizer.observeDenied(call, denied);
      OriginalRequest.Convention convention =
          OriginalRequest.withoutQuery(uri).equals(OriginalRequest.NGINX_PATH)
              ? OriginalRequest.Convention.NGINX
              : OriginalRequest.Convention.FORWARD;
      return CompletableFuture.completedFuture(HttpAnswers.denied(denied, convention));
    }
    if (original == null) {
      return CompletableFuture.completedFuture(HttpAnswers.notFound());
    }
    PresentedKey presented = PresentedKey.from(headers::joined, keyHeaders);
    String explicit = scopeHeader == null ? null : headers.joined(scopeHeader);
    if (cost.isEmpty()) {
      return routes
          .refuseCost(call, costHeader + " header")
          .thenApply(decision -> answer(decision, original, presented));
    }
    return routes
        .decide(
            explicit,
            scopeHeader + " header",
            original.method(),
            original.path(),
            presented.key(),
            call)
        .thenApply(decision -> answer(decision, original, presented));
  }

  private HttpAnswer answer(Decision decision, OriginalRequest original, PresentedKey presented) {
    if (decision instanceof Decision.Allowed allowed) {
      return HttpAnswers.allowed(allowed, original.convention(), presented, removeKeyHeaders);
    }
    if (decision instanceof Decision.Denied denied) {
      // STORE_UNAVAILABLE too: its 503 is what every proxy turns into a refusal, never a pass
      return HttpAnswers.denied(denied, original.convention());
    }
    throw new IllegalStateException("not a decision of this surface: " + decision);
  }

  /** The client failures are counted under: {@link ClientAddresses}, as on every surface. */
  private String client(SocketAddress peer, String forwardedFor) {
    return addresses.client(peer, null, forwardedFor);
  }
}
