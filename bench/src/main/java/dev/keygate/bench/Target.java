package dev.keygate.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Duration;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RateLimit;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One keygate server as the load generator sees it: a Netty channel and the stubs. The baseline
 * (health Check) and Authorize go over the same channel, so they share every cost but keygate's.
 */
final class Target implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 10;
  private static final HealthCheckRequest HEALTH = HealthCheckRequest.getDefaultInstance();

  final String address;
  private final ManagedChannel channel;
  private final HealthGrpc.HealthFutureStub health;
  private final AuthorizeGrpc.AuthorizeFutureStub authorize;
  private final KeyAdminGrpc.KeyAdminBlockingStub admin;

  Target(String address, String adminToken) {
    this.address = address;
    int colon = address.lastIndexOf(':');
    this.channel =
        NettyChannelBuilder.forAddress(
                address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
            .usePlaintext()
            .build();
    this.health = HealthGrpc.newFutureStub(channel);
    this.authorize = AuthorizeGrpc.newFutureStub(channel);
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminToken);
    this.admin =
        KeyAdminGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Waits until the server reports SERVING (Redis reachable), at most {@code seconds}. */
  void awaitServing(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        if (HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HEALTH)
                .getStatus()
            == ServingStatus.SERVING) {
          return;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(address + " is not SERVING after " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }

  ListenableFuture<?> healthCheck() {
    return health.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).check(HEALTH);
  }

  ListenableFuture<?> authorize(CheckRequest request) {
    return authorize.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).check(request);
  }

  /**
   * Authorize with a deadline of its own: sent as {@code grpc-timeout}, the way Envoy's ext_authz
   * filter sends its timeout.
   */
  ListenableFuture<CheckResponse> authorize(CheckRequest request, long deadlineMillis) {
    return authorize.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).check(request);
  }

  static CheckRequest checkRequest(String secret) {
    return CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build();
  }

  CreateKeyResponse createKey(String project, int limitPerSecond) {
    CreateKeyRequest.Builder b =
        CreateKeyRequest.newBuilder()
            .setProject(project)
            .setName("bench")
            .addAllScopes(List.of("tasks:read", "tasks:write"));
    if (limitPerSecond > 0) {
      b.setRateLimit(
          RateLimit.newBuilder()
              .setRequests(limitPerSecond)
              .setPeriod(Duration.newBuilder().setSeconds(1)));
    }
    return admin.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).createKey(b.build());
  }

  KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return admin.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
