package dev.keygate.access;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.NettyKeygate;
import io.grpc.Status.Code;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer whose word is not believed (loopback is not in {@code KEYGATE_TRUSTED_PEERS} here): its
 * {@code client_address} and {@code x-forwarded-for} are ignored and the connection's own address
 * is checked against the allowlist, so a client cannot talk its way into a list.
 */
class UntrustedPeerAllowlistTest {
  private final NettyKeygate kg =
      NettyKeygate.start(
          Map.of("KEYGATE_TRUSTED_PEERS", "192.0.2.1/32", "KEYGATE_TRUSTED_PROXY_HOPS", "1"));

  @AfterEach
  void close() throws InterruptedException {
    kg.close();
  }

  private CreateKeyResponse create(String... cidrs) {
    return kg.admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("k")
                .addScopes("tasks:read")
                .addAllAllowedCidrs(List.of(cidrs))
                .build());
  }

  private static String check(AuthorizeGrpc.AuthorizeBlockingStub stub, String key, String claim) {
    return stub.check(CheckRequest.newBuilder().setKey(key).setClientAddress(claim).build())
        .getKeyId();
  }

  @Test
  void check_claimsFromUntrustedPeer_ignoredAndThePeerChecked() {
    CreateKeyResponse fenced = create("203.0.113.0/24");
    CreateKeyResponse local = create("127.0.0.1");
    AuthorizeGrpc.AuthorizeBlockingStub plain = AuthorizeGrpc.newBlockingStub(kg.channel);
    AuthorizeGrpc.AuthorizeBlockingStub forwarded =
        InProcessKeygate.withHeader(plain, "x-forwarded-for", "203.0.113.7");

    for (AuthorizeGrpc.AuthorizeBlockingStub stub : List.of(plain, forwarded)) {
      com.google.rpc.Status status =
          assertDenied(
              Code.PERMISSION_DENIED,
              "CLIENT_ADDRESS_NOT_ALLOWED",
              () -> check(stub, fenced.getSecret(), "203.0.113.7"));
      assertEquals(
          "127.0.0.1", detail(status, ErrorInfo.class).getMetadataOrThrow("client_address"));
      // the claim of an address outside the list does not lock the real client out either
      assertEquals(local.getKey().getId(), check(stub, local.getSecret(), "198.51.100.1"));
    }
  }
}
