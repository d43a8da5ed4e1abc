package dev.keygate.grpc;

import dev.keygate.admin.AdminAuthenticator;
import dev.keygate.admin.Attribution;
import dev.keygate.admin.AuditEvents;
import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.admin.KeyImport;
import dev.keygate.admin.KeyService;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.DisableKeyRequest;
import dev.keygate.api.v1.EnableKeyRequest;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportKeysResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.ListEventsResponse;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.ListKeysResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.api.v1.WatchEventsRequest;
import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditTrail;
import dev.keygate.audit.EventPage;
import dev.keygate.authz.Call;
import dev.keygate.authz.Surface;
import dev.keygate.error.ErrorAnswers;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.events.LifecycleEvents;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.metrics.KeygateMetrics;
import dev.keygate.store.KeyPage;
import dev.keygate.store.StoreUnavailableException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code keygate.v1.KeyAdmin}: authenticates the caller, translates the request, calls {@link
 * KeyService}, translates the answer. Every write that got past authentication is recorded in the
 * audit trail when it changes a key (by the store, in the same step as the change) and sampled when
 * it is refused (refused credentials are sampled by the authorizer's observer).
 */
public final class KeyAdminService extends KeyAdminGrpc.KeyAdminImplBase {
  private final AdminAuthenticator auth;
  private final KeyService keys;
  private final Clock clock;
  private final AuditTrail trail;
  private final AuditEvents events;
  private final KeygateMetrics metrics;
  private final EventWatchers watchers;
  private final LifecycleEvents lifecycle;

  private final Function<List<ApiKeyRecord>, Map<String, Long>> creditsLeft;
  private final KeyImports imports;

  public KeyAdminService(
      AdminAuthenticator auth,
      KeyService keys,
      KeyImport importer,
      Clock clock,
      AuditTrail trail,
      KeygateMetrics metrics,
      EventWatchers watchers,
      LifecycleEvents lifecycle,
      Function<List<ApiKeyRecord>, Map<String, Long>> creditsLeft) {
    this.creditsLeft = creditsLeft;
    this.imports = new KeyImports(importer, keys, trail, metrics, lifecycle);
    this.auth = auth;
    this.keys = keys;
    this.clock = clock;
    this.trail = trail;
    this.events = new AuditEvents(trail.log());
    this.metrics = metrics;
    this.watchers = watchers;
    this.lifecycle = lifecycle;
  }

  @Override
  public void watchEvents(
      WatchEventsRequest request, StreamObserver<dev.keygate.api.v1.AuditEvent> out) {
    // not on the worker pool (EventWatchers.unaryOnWorkers): authentication runs on the
    // watchers' threads, in this call's context
    Call call =
        new Call(
            Surface.ADMIN,
            ClientIdentity.current(),
            RequestIds.current(),
            Replies.currentDeadline(),
            ClientIdentity.address());
    String credentials = Credentials.current();
    watchers.watch(
        (ServerCallStreamObserver<dev.keygate.api.v1.AuditEvent>) out,
        () ->
            events.watchable(
                auth.authenticate(credentials, AdminAuthenticator.KEYS_READ, call),
                request.getProject(),
                request.getAfterId()),
        request.getAfterId());
  }

  @Override
  public void createKey(CreateKeyRequest request, StreamObserver<CreateKeyResponse> out) {
    String project = KeyService.isProject(request.getProject()) ? request.getProject() : null;
    String requestId =
        RequestIds.current().isEmpty()
            ? RequestIds.sanitize(request.getRequestId())
            : RequestIds.current();
    write(
        out,
        AuditEvent.CREATE,
        "",
        project,
        requestId,
        (caller, by) -> created(keys.create(caller, ProtoMapper.fromProto(request), by)),
        CreateKeyResponse::getKey);
  }

  @Override
  public void importKeys(ImportKeysRequest request, StreamObserver<ImportKeysResponse> out) {
    // per-record outcomes are in the answer (and the audit trail); only a refused credential or
    // a bad batch fails the call
    answer(
        out,
        AdminAuthenticator.KEYS_WRITE,
        caller -> imports.run(caller, request, RequestIds.current()));
  }

  @Override
  public void getKey(GetKeyRequest request, StreamObserver<ApiKey> out) {
    answer(out, AdminAuthenticator.KEYS_READ, caller -> toProto(keys.get(caller, request.getId())));
  }

  @Override
  public void listKeys(ListKeysRequest request, StreamObserver<ListKeysResponse> out) {
    answer(
        out,
        AdminAuthenticator.KEYS_READ,
        caller -> {
          KeyPage page =
              keys.list(
                  caller,
                  request.getProject(),
                  request.getPageToken(),
                  request.getPageSize(),
                  request.getIncludeRevoked());
          return ListKeysResponse.newBuilder()
              .addAllKeys(toProto(page.keys(), clock.instant()))
              .setNextPageToken(page.nextPageToken())
              .build();
        });
  }

  @Override
  public void listEvents(ListEventsRequest request, StreamObserver<ListEventsResponse> out) {
    answer(
        out,
        AdminAuthenticator.KEYS_READ,
        caller -> {
          EventPage page =
              events.list(
                  caller,
                  request.getProject(),
                  request.getPageToken(),
                  request.getPageSize(),
                  request.getKeyId(),
                  request.getAction());
          return ListEventsResponse.newBuilder()
              .addAllEvents(page.events().stream().map(ProtoMapper::toProto).toList())
              .setNextPageToken(page.nextPageToken())
              .build();
        });
  }

  @Override
  public void updateKey(UpdateKeyRequest request, StreamObserver<ApiKey> out) {
    String id = request.getKey().getId();
    write(
        out,
        AuditEvent.UPDATE,
        id,
        null,
        RequestIds.current(),
        (caller, by) -> toProto(keys.update(caller, id, ProtoMapper.fromProto(request), by)),
        key -> key);
  }

  @Override
  public void revokeKey(RevokeKeyRequest request, StreamObserver<ApiKey> out) {
    write(
        out,
        AuditEvent.REVOKE,
        request.getId(),
        null,
        RequestIds.current(),
        (caller, by) -> toProto(keys.revoke(caller, request.getId(), request.getReason(), by)),
        key -> key);
  }

  @Override
  public void rotateKey(RotateKeyRequest request, StreamObserver<RotateKeyResponse> out) {
    write(
        out,
        AuditEvent.ROTATE,
        request.getId(),
        null,
        RequestIds.current(),
        (caller, by) -> {
          CreatedKey rotated =
              keys.rotate(
                  caller,
                  request.getId(),
                  ProtoMapper.requestDuration("grace_period", request.getGracePeriod()),
                  by);
          return RotateKeyResponse.newBuilder()
              .setKey(toProto(rotated.key()))
              .setSecret(rotated.secret())
              .build();
        },
        RotateKeyResponse::getKey);
  }

  @Override
  public void disableKey(DisableKeyRequest request, StreamObserver<ApiKey> out) {
    write(
        out,
        AuditEvent.DISABLE,
        request.getId(),
        null,
        RequestIds.current(),
        (caller, by) -> toProto(keys.disable(caller, request.getId(), request.getReason(), by)),
        key -> key);
  }

  @Override
  public void enableKey(EnableKeyRequest request, StreamObserver<ApiKey> out) {
    write(
        out,
        AuditEvent.ENABLE,
        request.getId(),
        null,
        RequestIds.current(),
        (caller, by) -> toProto(keys.enable(caller, request.getId(), by)),
        key -> key);
  }

  private CreateKeyResponse created(CreatedKey created) {
    return CreateKeyResponse.newBuilder()
        .setKey(toProto(created.key()))
        .setSecret(created.secret())
        .build();
  }

  private ApiKey toProto(ApiKeyRecord key) {
    return toProto(List.of(key), clock.instant()).get(0);
  }

  /** With the credit balances now of the keys that have credits, read together. */
  private List<ApiKey> toProto(List<ApiKeyRecord> keys, Instant now) {
    Map<String, Long> balances;
    try {
      balances = creditsLeft.apply(keys);
    } catch (StoreUnavailableException e) {
      throw new KeygateException(
          Reason.STORE_UNAVAILABLE, "the key store is unreachable; the change, if any, was made");
    }
    return keys.stream()
        .map(
            k ->
                k.credits().isEmpty()
                    ? ProtoMapper.toProto(k, now)
                    : ProtoMapper.toProto(k, balances.get(k.id()), now))
        .toList();
  }

  /** Authenticates, runs the call, and reports a domain failure as its gRPC status. */
  private <T> void answer(StreamObserver<T> out, String scope, Function<Caller, T> call) {
    T response;
    try {
      response =
          call.apply(
              auth.authenticate(
                  Credentials.current(),
                  scope,
                  new Call(
                      Surface.ADMIN,
                      ClientIdentity.current(),
                      RequestIds.current(),
                      Replies.currentDeadline(),
                      ClientIdentity.address())));
    } catch (KeygateException e) {
      out.onError(ErrorAnswers.grpc(e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  /**
   * As {@link #answer} for a write. A success's audit event is written by the store together with
   * the change ({@link Attribution}); a refusal is sampled (like Authorize refusals) into the trail
   * {@link KeyService#trailOfRefusal} picks, never one the caller cannot read.
   *
   * @param targetId the key the request names ("" for create); recorded only if well-formed
   * @param project the project the request names (create), null when it names none or a bad one
   */
  private <T> void write(
      StreamObserver<T> out,
      String action,
      String targetId,
      String project,
      String requestId,
      BiFunction<Caller, Attribution, T> call,
      Function<T, ApiKey> keyOf) {
    Caller caller;
    try {
      caller =
          auth.authenticate(
              Credentials.current(),
              AdminAuthenticator.KEYS_WRITE,
              new Call(
                  Surface.ADMIN,
                  ClientIdentity.current(),
                  requestId,
                  Replies.currentDeadline(),
                  ClientIdentity.address()));
    } catch (KeygateException e) {
      out.onError(ErrorAnswers.grpc(e));
      return;
    }
    T response;
    try {
      response = call.apply(caller, Attribution.of(caller, requestId));
    } catch (KeygateException e) {
      metrics.adminAction(action, e.reason().name());
      // sampled like Authorize's refusals, and only into a trail the caller may read
      trail.sampleFailure(
          action,
          e.reason().name(),
          Attribution.of(caller, requestId).actor(),
          KeyService.isKeyId(targetId) ? targetId : "",
          keys.trailOfRefusal(caller, targetId, project),
          requestId,
          Surface.ADMIN.label());
      out.onError(ErrorAnswers.grpc(e));
      return;
    }
    ApiKey key = keyOf.apply(response);
    if (key.hasExpiresAt() && !action.equals(AuditEvent.REVOKE)) {
      lifecycle.keyStored(
          key.getId(),
          Instant.ofEpochSecond(key.getExpiresAt().getSeconds(), key.getExpiresAt().getNanos()));
    }
    metrics.adminAction(action, AuditEvent.OK);
    out.onNext(response);
    out.onCompleted();
  }
}
