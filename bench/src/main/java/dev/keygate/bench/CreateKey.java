package dev.keygate.bench;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/**
 * {@code create-key <port> <admin token> <scope>...}: creates one key in project "bench" and prints
 * its secret, for scripts without a gRPC client (bench/proxy.sh).
 */
final class CreateKey {
  private CreateKey() {}

  static void main(String[] args) throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(args[0]))
            .usePlaintext()
            .build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + args[1]);
      CreateKeyRequest.Builder request =
          CreateKeyRequest.newBuilder().setProject("bench").setName("proxy bench");
      for (int i = 2; i < args.length; i++) {
        request.addScopes(args[i]);
      }
      System.out.println(
          KeyAdminGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .createKey(request.build())
              .getSecret());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
