package dev.keygate.cli;

import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.KeyAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A channel to the sidecar and stubs on it, each call bounded by the deadline. */
final class Connection implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final Duration deadline;

  Connection(ManagedChannel channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  /** KeyAdmin, presenting the credential as {@code authorization: Bearer …}. */
  KeyAdminGrpc.KeyAdminBlockingStub admin(String credential) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + credential);
    return KeyAdminGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Authorize; the key goes in the request itself. */
  AuthorizeGrpc.AuthorizeBlockingStub authorize() {
    return AuthorizeGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
