package dev.keygate.testing;

import dev.keygate.KeygateServer;
import dev.keygate.Main;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server as {@link Main} starts it, on a loopback Netty port, over a redis-server of its
 * own that a test may kill and restart: the fixture for tests of what crosses the network.
 */
public final class NettyKeygate implements AutoCloseable {
  public static final String ADMIN_TOKEN = "netty-admin-token-0123456789";

  public final RedisServer redis;
  public final KeygateServer server;
  public final ManagedChannel channel;

  private NettyKeygate(RedisServer redis, KeygateServer server) {
    this.redis = redis;
    this.server = server;
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  /**
   * Starts Redis and keygate: loopback port 0, a 200 ms Redis timeout, a 1 s shutdown grace.
   *
   * @param env settings on top of those
   */
  public static NettyKeygate start(Map<String, String> env) {
    RedisServer redis = RedisServer.start();
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_REDIS_TIMEOUT", "200ms",
                "KEYGATE_PEPPER", "netty-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_SHUTDOWN_GRACE", "1s"));
    all.putAll(env);
    try {
      return new NettyKeygate(redis, Main.start(KeygateConfig.fromEnv(all)));
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /** KeyAdmin as the bootstrap admin. */
  public KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return InProcessKeygate.withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
    redis.close();
  }
}
