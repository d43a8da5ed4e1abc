package dev.keygate.client;

import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the keygate sidecar. {@link #authorize} returns keygate's {@link CheckResponse} when the
 * key may make the call and throws {@link KeygateDenied} when it may not; {@link #admin()} is the
 * generated KeyAdmin stub.
 */
public final class KeygateClient implements AutoCloseable {
  /** Used when {@code KEYGATE_ADDR} is not set. */
  public static final String DEFAULT_ADDR = "127.0.0.1:7070";

  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final Duration timeout;

  private KeygateClient(ManagedChannel channel, boolean ownsChannel, Duration timeout) {
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.timeout = timeout;
  }

  /** A client for {@code $KEYGATE_ADDR}, else 127.0.0.1:7070 (plaintext: a loopback sidecar). */
  public static KeygateClient fromEnv(Map<String, String> env) {
    String addr = env.getOrDefault("KEYGATE_ADDR", "");
    return forAddress(addr.isBlank() ? DEFAULT_ADDR : addr.strip());
  }

  /** A plaintext client for {@code host:port}. */
  public static KeygateClient forAddress(String hostAndPort) {
    return new KeygateClient(
        Grpc.newChannelBuilder(hostAndPort, InsecureChannelCredentials.create()).build(),
        true,
        Duration.ofSeconds(2));
  }

  /** A client over a channel the caller owns (and closes). */
  public static KeygateClient forChannel(ManagedChannel channel, Duration timeout) {
    return new KeygateClient(channel, false, timeout);
  }

  /** Asks keygate whether {@code key} may make a call needing every one of {@code scopes}. */
  public CheckResponse authorize(String key, List<String> scopes) {
    try {
      return AuthorizeGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .check(
              CheckRequest.newBuilder()
                  .setKey(key == null ? "" : key)
                  .addAllRequiredScopes(scopes)
                  .build());
    } catch (StatusRuntimeException e) {
      throw KeygateDenied.from(e);
    }
  }

  /** The generated KeyAdmin stub on this client's channel. */
  public KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return KeyAdminGrpc.newBlockingStub(channel);
  }

  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdownNow();
    }
  }
}
