package dev.keygate.grpc;

import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.Surface;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.Scopes;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code keygate.v1.Authorize}: a thin gRPC surface over {@link Authorizer#decide}.
 *
 * <p>Check runs on the transport thread (see {@link Keygate#bind}): a decision that needs nothing
 * but memory (a cached key, a malformed one) is made and answered right there, with no thread hop;
 * one that needs the store is handed to the worker pool and answered from there, so a Netty event
 * loop never waits for Redis.
 */
public final class AuthorizeService extends AuthorizeGrpc.AuthorizeImplBase {
  private static final Logger log = LoggerFactory.getLogger(AuthorizeService.class);
  static final int MAX_REQUIRED_SCOPES = 32;

  private final Authorizer authorizer;
  private final Clock clock;
  private final Executor workers;

  /** Every decision on the calling thread (for callers that may block anyway). */
  public AuthorizeService(Authorizer authorizer, Clock clock) {
    this(authorizer, clock, Runnable::run);
  }

  /**
   * @param workers where decisions that need the store run
   */
  public AuthorizeService(Authorizer authorizer, Clock clock, Executor workers) {
    this.authorizer = authorizer;
    this.clock = clock;
    this.workers = workers;
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    Call call = new Call(Surface.AUTHORIZE, ClientIdentity.current(), RequestIds.current());
    try {
      validate(request.getKey(), request.getRequiredScopesList());
    } catch (KeygateException e) {
      // counted like any refusal; no key was looked at
      authorizer.observeDenied(
          call, new Decision.Denied(e.reason(), e.reason().summary(), java.util.Map.of(), null));
      responses.onError(Statuses.toStatus(e));
      return;
    }
    String key = request.getKey().isEmpty() ? Credentials.current() : request.getKey();
    List<String> scopes = request.getRequiredScopesList();
    Optional<Decision> inline = authorizer.decideWithoutBlocking(key, scopes, call);
    if (inline.isPresent()) {
      answer(inline.get(), responses);
      return;
    }
    Offload.run(
        workers, responses, () -> answer(authorizer.decide(key, scopes, call), responses), log);
  }

  private void answer(Decision decision, StreamObserver<CheckResponse> responses) {
    if (decision instanceof Decision.Denied denied) {
      responses.onError(Statuses.toStatus(denied.toException()));
      return;
    }
    responses.onNext(toResponse((Decision.Allowed) decision));
    responses.onCompleted();
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
      b.setRateLimit(ProtoMapper.toProto(allowed.limit(), clock.instant()));
    }
    return b.build();
  }

  private static void validate(String key, List<String> required) {
    List<FieldViolation> violations = new ArrayList<>();
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
