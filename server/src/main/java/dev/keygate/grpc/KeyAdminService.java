package dev.keygate.grpc;

import dev.keygate.admin.AdminAuthenticator;
import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.admin.KeyService;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.ListKeysResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.error.KeygateException;
import dev.keygate.store.KeyPage;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.function.Function;

/**
 * {@code keygate.v1.KeyAdmin}: authenticates the caller, translates the request, calls
 * {@link KeyService}, translates the answer.
 */
public final class KeyAdminService extends KeyAdminGrpc.KeyAdminImplBase {
  private final AdminAuthenticator auth;
  private final KeyService keys;
  private final Clock clock;

  public KeyAdminService(AdminAuthenticator auth, KeyService keys, Clock clock) {
    this.auth = auth;
    this.keys = keys;
    this.clock = clock;
  }

  @Override
  public void createKey(CreateKeyRequest request, StreamObserver<CreateKeyResponse> out) {
    answer(out, AdminAuthenticator.KEYS_WRITE,
        caller -> created(keys.create(caller, ProtoMapper.fromProto(request))));
  }

  @Override
  public void getKey(GetKeyRequest request, StreamObserver<ApiKey> out) {
    answer(out, AdminAuthenticator.KEYS_READ, caller -> toProto(keys.get(caller, request.getId())));
  }

  @Override
  public void listKeys(ListKeysRequest request, StreamObserver<ListKeysResponse> out) {
    answer(out, AdminAuthenticator.KEYS_READ, caller -> {
      KeyPage page = keys.list(caller, request.getProject(), request.getPageToken(),
          request.getPageSize(), request.getIncludeRevoked());
      var now = clock.instant();
      return ListKeysResponse.newBuilder()
          .addAllKeys(page.keys().stream().map(k -> ProtoMapper.toProto(k, now)).toList())
          .setNextPageToken(page.nextPageToken())
          .build();
    });
  }

  @Override
  public void updateKey(UpdateKeyRequest request, StreamObserver<ApiKey> out) {
    answer(out, AdminAuthenticator.KEYS_WRITE, caller -> toProto(
        keys.update(caller, request.getKey().getId(), ProtoMapper.fromProto(request))));
  }

  @Override
  public void revokeKey(RevokeKeyRequest request, StreamObserver<ApiKey> out) {
    answer(out, AdminAuthenticator.KEYS_WRITE,
        caller -> toProto(keys.revoke(caller, request.getId(), request.getReason())));
  }

  @Override
  public void rotateKey(RotateKeyRequest request, StreamObserver<RotateKeyResponse> out) {
    answer(out, AdminAuthenticator.KEYS_WRITE, caller -> {
      CreatedKey rotated = keys.rotate(caller, request.getId(),
          ProtoMapper.requestDuration("grace_period", request.getGracePeriod()));
      return RotateKeyResponse.newBuilder()
          .setKey(toProto(rotated.key())).setSecret(rotated.secret()).build();
    });
  }

  private CreateKeyResponse created(CreatedKey created) {
    return CreateKeyResponse.newBuilder()
        .setKey(toProto(created.key())).setSecret(created.secret()).build();
  }

  private ApiKey toProto(dev.keygate.key.ApiKeyRecord key) {
    return ProtoMapper.toProto(key, clock.instant());
  }

  /** Authenticates, runs the call, and reports a domain failure as its gRPC status. */
  private <T> void answer(StreamObserver<T> out, String scope, Function<Caller, T> call) {
    T response;
    try {
      response = call.apply(
          auth.authenticate(ClientIdentity.current(), Credentials.current(), scope));
    } catch (KeygateException e) {
      out.onError(Statuses.toStatus(e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
