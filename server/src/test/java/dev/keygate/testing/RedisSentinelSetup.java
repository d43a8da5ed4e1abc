package dev.keygate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Sentinel deployment for tests: one master, one replica and three sentinels (quorum 2) on
 * free loopback ports, with failure detection shortened to about a second.
 */
public final class RedisSentinelSetup implements AutoCloseable {
  public static final String MASTER_NAME = "kgmaster";

  private final List<RedisServer> dataNodes = new ArrayList<>();
  private final List<RedisServer> sentinels = new ArrayList<>();

  private RedisSentinelSetup() {}

  /** Starts everything and waits until the sentinels know the replica and each other. */
  public static RedisSentinelSetup start() {
    RedisSentinelSetup setup = new RedisSentinelSetup();
    try {
      RedisServer master = RedisServer.start();
      setup.dataNodes.add(master);
      setup.dataNodes.add(
          RedisServer.start(
              "--replicaof",
              "127.0.0.1",
              Integer.toString(master.port()),
              "--replica-announce-ip",
              "127.0.0.1"));
      for (int i = 0; i < 3; i++) {
        setup.sentinels.add(RedisServer.startSentinel(MASTER_NAME, master.port(), 2));
      }
      Eventually.await(
          "replica in sync",
          () ->
              RedisClusterSetup.on(setup.dataNodes.get(1), j -> j.info("replication"))
                  .contains("master_link_status:up"));
      for (RedisServer sentinel : setup.sentinels) {
        Eventually.await(
            "sentinel " + sentinel.port() + " knows the replica and its peers",
            () -> {
              Map<String, String> m =
                  RedisClusterSetup.on(sentinel, j -> j.sentinelMaster(MASTER_NAME));
              return "1".equals(m.get("num-slaves")) && "2".equals(m.get("num-other-sentinels"));
            });
      }
      return setup;
    } catch (RuntimeException | Error e) {
      setup.close();
      throw e;
    }
  }

  /** {@code redis+sentinel://s1,s2,s3/kgmaster}. */
  public String url() {
    StringBuilder url = new StringBuilder("redis+sentinel://");
    for (int i = 0; i < sentinels.size(); i++) {
      url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
    }
    return url.append('/').append(MASTER_NAME).toString();
  }

  /** {@code redis://} URL of a running sentinel, for commands such as SENTINEL FAILOVER. */
  public String sentinelUrl() {
    return sentinels.stream()
        .filter(RedisServer::isRunning)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no sentinel is running"))
        .url();
  }

  /** The data node the sentinels currently name as master. */
  public RedisServer master() {
    for (RedisServer sentinel : sentinels) {
      if (!sentinel.isRunning()) {
        continue;
      }
      List<String> address =
          RedisClusterSetup.on(sentinel, j -> j.sentinelGetMasterAddrByName(MASTER_NAME));
      int port = Integer.parseInt(address.get(1));
      return dataNodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }
    throw new IllegalStateException("no sentinel is running");
  }

  public List<RedisServer> dataNodes() {
    return List.copyOf(dataNodes);
  }

  /** Waits until the replica acknowledged every write made on the master so far. */
  public void awaitReplication() {
    RedisServer master = master();
    Eventually.await(
        "replica caught up", () -> RedisClusterSetup.on(master, j -> j.waitReplicas(1, 1000)) >= 1);
  }

  @Override
  public void close() {
    for (RedisServer s : sentinels) {
      s.close();
    }
    for (RedisServer s : dataNodes) {
      s.close();
    }
  }
}
