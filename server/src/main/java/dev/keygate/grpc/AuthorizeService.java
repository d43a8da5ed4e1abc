package dev.keygate.grpc;

import dev.keygate.access.Cidr;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.Surface;
import dev.keygate.error.ErrorAnswers;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.Scopes;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.throttle.ClientAddresses;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keygate.v1.Authorize}: maps a Check to {@link Authorizer#decide} and the decision to its
 * answer. Runs on the transport thread (see {@code Keygate#bind}): what memory can decide is
 * answered right there; a decision that needs the store is answered by whichever thread completes
 * it, and nothing waits for it.
 */
public final class AuthorizeService extends AuthorizeGrpc.AuthorizeImplBase {
  private static final Logger log = LoggerFactory.getLogger(AuthorizeService.class);
  static final int MAX_REQUIRED_SCOPES = 32;
  static final int MAX_CLIENT_ADDRESS = 64;

  private final Authorizer authorizer;
  private final Clock clock;
  private final ClientAddresses addresses;

  /**
   * @param addresses who the client is: the peer, or from a trusted peer the request's {@code
   *     client_address} (and {@code x-forwarded-for} by {@code KEYGATE_TRUSTED_PROXY_HOPS})
   */
  public AuthorizeService(Authorizer authorizer, Clock clock, ClientAddresses addresses) {
    this.authorizer = authorizer;
    this.clock = clock;
    this.addresses = addresses;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    String claimed = request.getClientAddress();
    Call call =
        new Call(
            Surface.AUTHORIZE,
            claimed.isEmpty()
                ? ClientIdentity.current()
                : addresses.client(ClientIdentity.peer(), claimed, ClientIdentity.forwardedFor()),
            RequestIds.current(),
            Replies.currentDeadline(),
            claimed.isEmpty()
                ? ClientIdentity.address()
                : addresses.address(ClientIdentity.peer(), claimed, ClientIdentity.forwardedFor()),
            request.hasCost() && validCost(request) ? request.getCost() : 1);
    try {
      validate(request, claimed);
    } catch (KeygateException e) {
      // counted like any refusal; no key was looked at
      authorizer.observeDenied(
          call, new Decision.Denied(e.reason(), e.reason().summary(), Map.of(), null));
      responses.onError(ErrorAnswers.grpc(e));
      return;
    }
    String key = request.getKey().isEmpty() ? Credentials.current() : request.getKey();
    Replies.when(
        authorizer.decide(key, request.getRequiredScopesList(), call),
        responses,
        this::answer,
        log);
  }

  private void answer(Decision decision, StreamObserver<CheckResponse> responses) {
    if (decision instanceof Decision.Allowed allowed) {
      responses.onNext(toResponse(allowed));
      responses.onCompleted();
    } else if (decision instanceof Decision.Denied denied) {
      responses.onError(ErrorAnswers.grpc(denied.toException()));
    } else {
      throw new IllegalStateException("not a decision of this surface: " + decision);
    }
  }

  private CheckResponse toResponse(Decision.Allowed allowed) {
    var key = allowed.key();
    CheckResponse.Builder b =
        CheckResponse.newBuilder()
            .setKeyId(key.id())
            .setProject(key.project())
            .setKind(ProtoMapper.toProto(key.kind()))
            .addAllGrantedScopes(key.scopes())
            .setKeyName(key.name());
    if (allowed.limit() != null) {
      b.setRateLimit(MeteringMapper.toProto(allowed.limit(), clock.instant()));
    }
    allowed.credits().ifPresent(c -> b.setCredits(MeteringMapper.toProto(c)));
    return b.build();
  }

  /** Unset is 1; set, it must be 1 to {@link LimitEvaluator#MAX_COST}. */
  private static boolean validCost(CheckRequest request) {
    return !request.hasCost()
        || (request.getCost() >= 1 && request.getCost() <= LimitEvaluator.MAX_COST);
  }

  private static void validate(CheckRequest request, String clientAddress) {
    String key = request.getKey();
    List<String> required = request.getRequiredScopesList();
    List<FieldViolation> violations = new ArrayList<>();
    if (!validCost(request)) {
      // getCost() is unsigned on the wire: a huge value reads negative here
      violations.add(
          new FieldViolation("cost", "must be 1 to " + LimitEvaluator.MAX_COST + " when set"));
    }
    if (!clientAddress.isEmpty()
        && (clientAddress.length() > MAX_CLIENT_ADDRESS || Cidr.literal(clientAddress).isEmpty())) {
      // from an untrusted peer it would be ignored, but a malformed one is a bug worth reporting
      violations.add(
          new FieldViolation(
              "client_address",
              "must be an IPv4 or IPv6 address without a port, at most 64 characters"));
    }
    if (key.length() > KeyFormat.MAX_KEY_LENGTH) {
      // a bound on input, not an authentication failure: the field is far from any real key
      violations.add(
          new FieldViolation("key", "must be at most " + KeyFormat.MAX_KEY_LENGTH + " characters"));
    }
    if (required.size() > MAX_REQUIRED_SCOPES) {
      violations.add(new FieldViolation("required_scopes", "at most " + MAX_REQUIRED_SCOPES));
    }
    for (int i = 0; i < required.size() && i < MAX_REQUIRED_SCOPES; i++) {
      String at = "required_scopes[" + i + "]";
      Scopes.validate(required.get(i)).ifPresent(p -> violations.add(new FieldViolation(at, p)));
    }
    if (!violations.isEmpty()) {
      throw KeygateException.invalid(violations);
    }
  }
}
