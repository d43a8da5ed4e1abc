package dev.keygate.store;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * The time budget of one store call ({@code KEYGATE_REDIS_TIMEOUT}), applied to every connection
 * the call borrows: each reply may only wait for what is left of the budget (at least a tenth of
 * the timeout, so a borrow that used it up still gets a real chance rather than a certain failure),
 * instead of a full timeout per round trip. A call is one store operation, which may be several
 * commands, a pipeline, or a command the Sentinel or Cluster client retries.
 *
 * <p>The budget is set per thread by {@link #run}; the connection providers below apply it in
 * {@code getConnection}, which is the one place every command, pipeline and retry of {@code
 * UnifiedJedis} passes through. A connection borrowed outside a budgeted call (the invalidation
 * listener's) gets the configured timeout back, so no shortened timeout leaks to the next user of a
 * pooled connection.
 */
final class CallBudget {
  private final int timeoutMillis;
  private final long budgetNanos;

  /** Deadline (System.nanoTime) of the call running on this thread; null outside a call. */
  private final ThreadLocal<Long> deadline = new ThreadLocal<>();

  CallBudget(Duration timeout) {
    this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    this.budgetNanos = timeout.toNanos();
  }

  /** Runs {@code call} with this thread's deadline one timeout from now. */
  <T> T run(Supplier<T> call) {
    Long outer = deadline.get();
    if (outer != null) {
      return call.get(); // already inside a call: its budget is the one that counts
    }
    deadline.set(System.nanoTime() + budgetNanos);
    try {
      return call.get();
    } finally {
      deadline.remove();
    }
  }

  /** Sets the read timeout of a just-borrowed connection: what is left of the call's budget. */
  Connection bound(Connection connection) {
    Long end = deadline.get();
    int millis = timeoutMillis;
    if (end != null) {
      long left = (end - System.nanoTime()) / 1_000_000;
      // never 0, which the socket takes as "wait forever"
      long floor = Math.max(1, timeoutMillis / 10);
      millis = (int) Math.max(floor, Math.min(timeoutMillis, left));
    }
    if (connection.getSoTimeout() != millis) {
      try {
        connection.setSoTimeout(millis);
      } catch (JedisException e) {
        connection.close(); // now marked broken: discarded instead of pooled
        throw e;
      }
    }
    return connection;
  }

  /** A standalone server's pool, budgeted. */
  final class Standalone extends PooledConnectionProvider {
    Standalone(HostAndPort node, JedisClientConfig config, ConnectionPoolConfig pool) {
      super(node, config, pool);
    }

    @Override
    public Connection getConnection() {
      return bound(super.getConnection());
    }

    @Override
    public Connection getConnection(CommandArguments args) {
      return bound(super.getConnection(args));
    }
  }

  /** The current master's pool behind Sentinel, budgeted. */
  final class Sentinel extends SentineledConnectionProvider {
    Sentinel(
        String master,
        JedisClientConfig config,
        ConnectionPoolConfig pool,
        Set<HostAndPort> sentinels,
        JedisClientConfig sentinelConfig) {
      super(master, config, pool, sentinels, sentinelConfig);
    }

    @Override
    public Connection getConnection() {
      return bound(super.getConnection());
    }

    @Override
    public Connection getConnection(CommandArguments args) {
      return bound(super.getConnection(args));
    }
  }

  /** A Cluster's per-node pools, budgeted; redirections and pipelines borrow through here too. */
  final class Cluster extends ClusterConnectionProvider {
    Cluster(Set<HostAndPort> seeds, JedisClientConfig config, ConnectionPoolConfig pool) {
      super(seeds, config, pool);
    }

    @Override
    public Connection getConnection() {
      return bound(super.getConnection());
    }

    @Override
    public Connection getConnection(CommandArguments args) {
      return bound(super.getConnection(args));
    }

    @Override
    public Connection getConnection(HostAndPort node) {
      return bound(super.getConnection(node));
    }

    @Override
    public Connection getConnectionFromSlot(int slot) {
      return bound(super.getConnectionFromSlot(slot));
    }
  }
}
