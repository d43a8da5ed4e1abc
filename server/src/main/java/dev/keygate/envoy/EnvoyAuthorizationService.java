package dev.keygate.envoy;

import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.Surface;
import dev.keygate.error.ErrorAnswers;
import dev.keygate.error.Reason;
import dev.keygate.grpc.ClientIdentity;
import dev.keygate.grpc.Replies;
import dev.keygate.grpc.RequestIds;
import dev.keygate.throttle.ClientAddresses;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code envoy.service.auth.v3.Authorization}: keygate as Envoy's external authorization server,
 * over the same {@link Authorizer#decide} as {@code keygate.v1.Authorize}: a Check resolves its
 * route's requirement once, asks for the decision and maps it to Envoy's answer.
 *
 * <p>The scope a request needs comes, in this order, from the route's {@code context_extensions}
 * entry {@value #SCOPE_EXTENSION}, from the route table, else from the configured default. A denial
 * is a successful RPC carrying the HTTP answer; only an unreachable key store is an RPC error, so
 * Envoy's {@code failure_mode_allow} decides what happens then, as the operator chose.
 */
public final class EnvoyAuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {
  /** The {@code context_extensions} entry naming a route's requirement. */
  public static final String SCOPE_EXTENSION = "keygate_scope";

  /** The {@code context_extensions} entry naming the credits a route's calls cost (default 1). */
  public static final String COST_EXTENSION = "keygate_cost";

  private static final Logger log = LoggerFactory.getLogger(EnvoyAuthorizationService.class);

  private final EnvoySettings settings;
  private final ClientAddresses addresses;
  private final RouteDecisions routes;

  /**
   * @param addresses who the client is: {@code source.address} and {@code x-forwarded-for} only
   *     when the gRPC peer (Envoy) is trusted; bind the service behind {@link
   *     dev.keygate.grpc.ClientIdentity#peerOnly()} so the peer is known
   */
  public EnvoyAuthorizationService(
      Authorizer authorizer, EnvoySettings settings, ClientAddresses addresses) {
    this.settings = settings;
    this.routes = new RouteDecisions(authorizer, settings);
    this.addresses = addresses;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    EnvoyRequest http = EnvoyRequest.of(request);
    PresentedKey presented = PresentedKey.from(http, settings.keyHeaders());
    SocketAddress peer = ClientIdentity.peer();
    String forwardedFor = http.header("x-forwarded-for");
    String client = addresses.client(peer, http.sourceAddress(), forwardedFor);
    OptionalInt cost = RouteDecisions.cost(http.contextExtension(COST_EXTENSION));
    Call call =
        new Call(
            Surface.ENVOY,
            client,
            requestId(request, http),
            Replies.currentDeadline(),
            addresses.address(peer, http.sourceAddress(), forwardedFor),
            cost.orElse(1));
    Replies.when(
        cost.isPresent()
            ? decide(http, presented, call)
            : routes.refuseCost(call, COST_EXTENSION + " context extension"),
        responses,
        (decision, out) -> answer(decision, http, presented, out),
        log);
  }

  private void answer(
      Decision decision,
      EnvoyRequest http,
      PresentedKey presented,
      StreamObserver<CheckResponse> responses) {
    if (decision instanceof Decision.Allowed allowed) {
      responses.onNext(
          EnvoyResponses.allowed(allowed, http, presented, settings.removeKeyHeaders()));
    } else if (decision instanceof Decision.Denied denied) {
      if (denied.reason() == Reason.STORE_UNAVAILABLE) {
        // not a decision: an error, so failure_mode_allow / status_on_error apply
        responses.onError(ErrorAnswers.grpc(denied.toException()));
        return;
      }
      responses.onNext(EnvoyResponses.denied(denied));
    } else {
      throw new IllegalStateException("not a decision of this surface: " + decision);
    }
    responses.onCompleted();
  }

  /** Envoy's request id for the audit trail ({@code x-request-id}); "" if none usable. */
  private static String requestId(CheckRequest request, EnvoyRequest http) {
    String id = request.getAttributes().getRequest().getHttp().getId();
    return RequestIds.sanitize(id.isEmpty() ? http.header("x-request-id") : id);
  }

  /** The route's requirement, then the decision for it. */
  private CompletionStage<Decision> decide(EnvoyRequest http, PresentedKey presented, Call call) {
    return routes.decide(
        http.contextExtension(SCOPE_EXTENSION),
        SCOPE_EXTENSION + " context extension",
        http.method(),
        http.path(),
        presented.key(),
        call);
  }
}
