package dev.keygate.client;

import com.google.protobuf.Duration;
import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.config.KeygateConfig;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The real keygate sidecar on a free loopback port with the in-memory store and a random admin
 * token, plus a {@link KeygateClient} for it.
 */
final class Sidecar implements AutoCloseable {
  final String adminToken = randomToken();
  final KeygateServer server;
  final KeygateClient client;

  Sidecar() {
    server =
        Main.start(
            KeygateConfig.fromEnv(
                Map.of("KEYGATE_LISTEN", "127.0.0.1:0", "KEYGATE_ADMIN_TOKEN", adminToken)));
    client = KeygateClient.forAddress(address());
  }

  String address() {
    return "127.0.0.1:" + server.port();
  }

  /** The KeyAdmin stub with the admin token attached. */
  KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return client
        .admin()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(adminToken)));
  }

  /** Creates a key in project java-e2e; {@code rateLimit} calls per hour, 0 = unlimited. */
  CreateKeyResponse createKey(List<String> scopes, int rateLimit) {
    var request =
        CreateKeyRequest.newBuilder()
            .setProject("java-e2e")
            .setName("java e2e")
            .addAllScopes(scopes);
    if (rateLimit > 0) {
      request.setRateLimit(
          RateLimit.newBuilder()
              .setRequests(rateLimit)
              .setPeriod(Duration.newBuilder().setSeconds(3600)));
    }
    return admin().createKey(request.build());
  }

  static Metadata bearer(String credential) {
    Metadata md = new Metadata();
    md.put(KeygateServerInterceptor.AUTHORIZATION, "Bearer " + credential);
    return md;
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
