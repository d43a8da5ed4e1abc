package dev.keygate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real Redis Cluster for tests: six {@code redis-server --cluster-enabled yes} processes on free
 * loopback ports, joined by {@code redis-cli --cluster create --cluster-replicas 1} into three
 * masters with one replica each. Slots stay served while other slots fail over ({@code
 * cluster-require-full-coverage no}).
 */
public final class RedisClusterSetup implements AutoCloseable {
  private static final long CREATE_TIMEOUT_SECONDS = 90;
  private final List<RedisServer> nodes;

  private RedisClusterSetup(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /** Starts six nodes, creates the cluster and waits until every node reports it healthy. */
  public static RedisClusterSetup start() {
    List<RedisServer> nodes = new ArrayList<>();
    RedisClusterSetup cluster = new RedisClusterSetup(nodes);
    try {
      for (int i = 0; i < 6; i++) {
        nodes.add(
            RedisServer.start(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "1500",
                "--cluster-require-full-coverage",
                "no"));
      }
      cluster.create();
      Eventually.await(
          "cluster state ok on every node with 3 masters and 3 replicas", cluster::healthy);
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void create() {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServer node : nodes) {
      command.add("127.0.0.1:" + node.port());
    }
    command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    Path log = nodes.get(0).dir().resolve("cluster-create.log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("redis-cli --cluster create did not finish; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "redis-cli --cluster create failed: " + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** True when every live node says the cluster is ok and knows 3 connected masters. */
  public boolean healthy() {
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        continue;
      }
      try {
        String info = on(node, Jedis::clusterInfo);
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_size:3")) {
          return false;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** {@code redis+cluster://} URL naming every node as a seed. */
  public String url() {
    StringBuilder url = new StringBuilder("redis+cluster://");
    for (int i = 0; i < nodes.size(); i++) {
      url.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
    }
    return url.toString();
  }

  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  /** The live node that currently serves {@code key}'s slot as master. */
  public RedisServer masterOf(String key) {
    int slot = JedisClusterCRC16.getSlot(key);
    for (RedisServer node : nodes) {
      if (!node.isRunning()) {
        continue;
      }
      int port = slotOwnerPort(on(node, Jedis::clusterNodes), slot);
      if (port < 0) {
        throw new IllegalStateException("no master serves slot " + slot);
      }
      return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }
    throw new IllegalStateException("no node is running");
  }

  /**
   * The port of the master that serves {@code slot} in a {@code CLUSTER NODES} reply, -1 if none
   * (masters marked failed are skipped).
   */
  public static int slotOwnerPort(String clusterNodes, int slot) {
    for (String line : clusterNodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        String[] range = f[i].split("-");
        if (range[0].startsWith("[")) {
          continue;
        }
        int lo = Integer.parseInt(range[0]);
        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
        if (slot >= lo && slot <= hi) {
          return HostAndPort.from(f[1].split("@")[0]).getPort();
        }
      }
    }
    return -1;
  }

  /** Waits until every replica of the cluster has caught up with its master's writes. */
  public void awaitReplication() {
    for (RedisServer node : nodes) {
      if (node.isRunning() && on(node, j -> j.info("replication")).contains("role:master")) {
        // WAIT returns once one replica acknowledged everything written so far on this master
        Eventually.await(
            "replica of " + node.port() + " caught up",
            () -> on(node, j -> j.waitReplicas(1, 1000)) >= 1);
      }
    }
  }

  static <T> T on(RedisServer node, Function<Jedis, T> call) {
    try (Jedis j =
        new Jedis(
            new HostAndPort("127.0.0.1", node.port()),
            DefaultJedisClientConfig.builder()
                .autoNegotiateProtocol(false)
                .socketTimeoutMillis(5000)
                .build())) {
      return call.apply(j);
    }
  }

  @Override
  public void close() {
    for (RedisServer node : nodes) {
      node.close();
    }
  }
}
