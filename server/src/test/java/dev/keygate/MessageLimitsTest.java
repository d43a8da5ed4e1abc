package dev.keygate;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static dev.keygate.testing.InProcessKeygate.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transport bounds on the real Netty port: a message above {@link
 * KeygateServer#MAX_INBOUND_MESSAGE_BYTES} or a header block above {@link
 * KeygateServer#MAX_INBOUND_METADATA_BYTES} fails that call cleanly, and the server keeps serving.
 */
class MessageLimitsTest {
  private static final String ADMIN_TOKEN = "limits-admin-token-0123456789";

  private final KeygateServer server =
      Main.start(
          KeygateConfig.fromEnv(
              Map.of(
                  "KEYGATE_LISTEN",
                  "127.0.0.1:0",
                  "KEYGATE_ADMIN_TOKEN",
                  ADMIN_TOKEN,
                  "KEYGATE_SHUTDOWN_GRACE",
                  "1s")));
  private final ManagedChannel channel =
      NettyChannelBuilder.forAddress("127.0.0.1", server.port())
          .usePlaintext()
          .maxInboundMetadataSize(1 << 20)
          .build();

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  private KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private void assertStillServes() {
    assertEquals(
        "acme",
        admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("after")
                    .addScopes("tasks:read")
                    .build())
            .getKey()
            .getProject());
  }

  @Test
  void createKey_messageAboveMaximum_resourceExhaustedAndServerKeepsServing() {
    String huge = "d".repeat(KeygateServer.MAX_INBOUND_MESSAGE_BYTES + 1);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin()
                    .createKey(
                        CreateKeyRequest.newBuilder()
                            .setProject("acme")
                            .setName("big")
                            .setDescription(huge)
                            .addScopes("tasks:read")
                            .build()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
    assertStillServes();
  }

  @Test
  void check_headersAboveMaximum_callFailsAndServerKeepsServing() {
    var stub =
        withHeader(
                AuthorizeGrpc.newBlockingStub(channel),
                "x-padding",
                "p".repeat(KeygateServer.MAX_INBOUND_METADATA_BYTES + 1))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class, () -> stub.check(CheckRequest.getDefaultInstance()));
    // refused by HTTP/2 before keygate (which would answer UNAUTHENTICATED or INVALID_ARGUMENT):
    // the server advertises its bound in SETTINGS_MAX_HEADER_LIST_SIZE, and the client's HTTP/2
    // layer fails the stream rather than send a header block above it
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), e.toString());
    assertEquals("http2 exception", e.getStatus().getDescription(), e.toString());
    assertStillServes();
  }
}
