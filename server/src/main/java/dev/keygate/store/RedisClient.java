package dev.keygate.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.Pool;

/**
 * The connection to one Redis deployment (standalone, behind Sentinel, or a Cluster; see {@link
 * RedisEndpoint}) and the one way to call it: {@link #execute} runs a call within the time budget
 * of {@code KEYGATE_REDIS_TIMEOUT}, behind the circuit breaker, and turns every Jedis failure into
 * {@link StoreUnavailableException}. No message built here contains credentials.
 */
final class RedisClient implements AutoCloseable {
  private final UnifiedJedis redis;
  private final SubscriptionNodes subscriptionNodes;
  private final String description;
  private final Duration timeout;
  private final CallBudget budget;

  /** Drops the idle pooled connections after a connection failure; a no-op for a Cluster. */
  private final Runnable dropIdleConnections;

  private final RedisCircuit circuit;
  private final boolean cluster;
  private final LongAdder errors = new LongAdder();
  private volatile boolean closed;

  private RedisClient(
      UnifiedJedis redis,
      SubscriptionNodes subscriptionNodes,
      String description,
      Duration timeout,
      CallBudget budget,
      Runnable dropIdleConnections,
      RedisCircuit circuit) {
    this.redis = redis;
    this.subscriptionNodes = subscriptionNodes;
    this.description = description;
    this.timeout = timeout;
    this.budget = budget;
    this.dropIdleConnections = dropIdleConnections;
    this.circuit = circuit;
    this.cluster = redis instanceof JedisCluster;
  }

  /**
   * Connects to a standalone server, a Sentinel-managed master or a Cluster. For a standalone
   * server no I/O happens here: connections are opened on first use. Sentinel and Cluster need
   * their topology first: when no sentinel or seed answers this throws {@link
   * StoreUnavailableException}.
   *
   * @param timeout connect and socket timeout, also the longest wait for a pooled connection
   * @param poolSize connections per node at most ({@link RedisBounds#poolSize()})
   */
  static RedisClient connect(
      RedisEndpoint endpoint, Duration timeout, int poolSize, RedisCircuit circuit) {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    JedisClientConfig config = clientConfig(endpoint, millis, true);
    ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
    poolConfig.setMaxTotal(poolSize);
    poolConfig.setMaxIdle(poolSize);
    poolConfig.setMinIdle(0);
    // the default is to wait forever for a free connection; a saturated pool must fail like an
    // unreachable Redis instead of hanging the caller
    poolConfig.setMaxWait(Duration.ofMillis(millis));
    String description = endpoint.describe();
    CallBudget budget = new CallBudget(timeout);
    try {
      return switch (endpoint.mode()) {
        case STANDALONE -> {
          CallBudget.Standalone provider =
              budget.new Standalone(endpoint.nodes().get(0), config, poolConfig);
          yield new RedisClient(
              new UnifiedJedis(provider, 1, timeout),
              SubscriptionNodes.standalone(endpoint.nodes().get(0), provider),
              description,
              timeout,
              budget,
              () -> clear(provider.getPool()),
              circuit);
        }
        case SENTINEL -> {
          CallBudget.Sentinel provider =
              budget
              .new Sentinel(
                  endpoint.masterName(),
                  config,
                  poolConfig,
                  new HashSet<>(endpoint.nodes()),
                  clientConfig(endpoint, millis, false));
          // a second attempt lands on the new master once the sentinels announced it
          yield new RedisClient(
              new UnifiedJedis(provider, 2, timeout.multipliedBy(2)),
              SubscriptionNodes.sentinel(provider),
              description,
              timeout,
              budget,
              () -> provider.getConnectionMap().values().forEach(RedisClient::clear),
              circuit);
        }
        case CLUSTER -> {
          CallBudget.Cluster provider =
              budget.new Cluster(new HashSet<>(endpoint.nodes()), config, poolConfig);
          // attempts also follow MOVED/ASK redirections after a failover or resharding; idle
          // connections are kept: one node failing says nothing about the others, and the
          // client re-reads the slot map itself after a connection failure
          yield new RedisClient(
              new JedisCluster(provider, 3, timeout.multipliedBy(3)),
              SubscriptionNodes.cluster(provider),
              description,
              timeout,
              budget,
              () -> {},
              circuit);
        }
      };
    } catch (JedisException e) {
      throw new StoreUnavailableException(
          description + " unavailable: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * @param dataNode true for the data nodes (database and the URL's credentials), false for the
   *     sentinels (their own credentials, if any)
   */
  private static JedisClientConfig clientConfig(
      RedisEndpoint endpoint, int millis, boolean dataNode) {
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .ssl(endpoint.tls())
            .clientName("keygate")
            // RESP2 without a HELLO round trip: works on every Redis version and the store needs
            // nothing from RESP3 (Jedis also warns on every connection otherwise)
            .autoNegotiateProtocol(false)
            // no CLIENT SETINFO round trips on connect: every round trip there is one more timeout
            // a new connection can spend against an unresponsive Redis
            .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    if (dataNode && endpoint.mode() != RedisEndpoint.Mode.CLUSTER) {
      client.database(endpoint.database());
    }
    if (dataNode && endpoint.password() != null) {
      client.user(endpoint.user()).password(endpoint.password());
    }
    if (!dataNode && endpoint.sentinelPassword() != null) {
      client.user(endpoint.sentinelUser()).password(endpoint.sentinelPassword());
    }
    return client.build();
  }

  /**
   * Runs {@code call} on the client within one budget of {@code KEYGATE_REDIS_TIMEOUT} (see {@link
   * CallBudget}), counting failures in {@link #errors()}. Against an unresponsive standalone Redis
   * a call so fails after about one timeout; Sentinel and Cluster clients retry (see README,
   * "Failure modes"). Jedis marks a connection broken on I/O errors and the pool discards it on
   * return; after a connection failure the idle connections are dropped too, since they most likely
   * point at the same dead peer (a restarted Redis would otherwise cost one failed call per pooled
   * connection). The Sentinel and Cluster clients also follow a failover to the new master.
   */
  <T> T run(Function<UnifiedJedis, T> call) {
    return execute(call, description, errors);
  }

  /** {@link #run}, naming {@code what} in failures and counting them in {@code counter} if set. */
  <T> T execute(Function<UnifiedJedis, T> call, String what, LongAdder counter) {
    if (closed) {
      throw new StoreUnavailableException(what + " is closed", null);
    }
    // fails at once while the circuit is open: a hung Redis costs callers microseconds
    long start = circuit.acquire(what);
    try {
      T result = budget.run(() -> call.apply(redis));
      circuit.succeeded(start);
      return result;
    } catch (JedisDataException e) {
      // an error reply: Redis answered
      circuit.succeeded(start);
      count(counter);
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    } catch (JedisException e) {
      circuit.failed(start, e);
      count(counter);
      dropIdleConnections.run();
      // the exception type says what happened; its message is Jedis's own and carries at most
      // host and port, never the password, but we do not repeat it
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    } catch (RuntimeException e) {
      if (closed) {
        circuit.released();
        throw new StoreUnavailableException(what + " is closed", e);
      }
      if (!raisedByJedis(e)) {
        circuit.released();
        throw e;
      }
      // a Cluster pipeline racing a failover fails inside Jedis with other exceptions too (a
      // reply never read, a node gone from the slot map): Redis failures all the same
      circuit.failed(start, e);
      count(counter);
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Pings Redis itself, past an open circuit breaker: the health monitor (once a second) must see
   * Redis, not the breaker. A ping that succeeds while the breaker is open lets it probe at once.
   */
  boolean ping() {
    if (closed) {
      return false;
    }
    boolean pong;
    try {
      pong = "PONG".equals(budget.run(redis::ping));
    } catch (RuntimeException e) {
      return false;
    }
    if (pong) {
      circuit.redisAnswered();
    }
    return pong;
  }

  /**
   * True if one script may touch all of {@code keys}: always behind one master (standalone,
   * Sentinel), on a Cluster only when they hash to one slot.
   */
  boolean oneScript(String... keys) {
    if (!cluster) {
      return true;
    }
    int slot = JedisClusterCRC16.getSlot(keys[0]);
    for (String key : keys) {
      if (JedisClusterCRC16.getSlot(key) != slot) {
        return false;
      }
    }
    return true;
  }

  /** True for a Redis Cluster, where a script touches one slot only. */
  boolean isCluster() {
    return cluster;
  }

  /** The nodes an invalidation listener subscribes to, and connections to them. */
  SubscriptionNodes subscriptionNodes() {
    return subscriptionNodes;
  }

  String describe() {
    return description;
  }

  Duration timeout() {
    return timeout;
  }

  RedisCircuit circuit() {
    return circuit;
  }

  /**
   * This client for a component beside the store, its calls named {@code what} in errors; their
   * failures are not counted in the store's error metric (the component counts its own).
   */
  RedisCommands commands(String what) {
    return new RedisCommands() {
      @Override
      public <T> T run(Function<UnifiedJedis, T> call) {
        return execute(call, what, null);
      }
    };
  }

  /** Failures of {@link #run} calls since start (a metric). */
  long errors() {
    return errors.sum();
  }

  @Override
  public void close() {
    closed = true;
    redis.close();
  }

  private static void count(LongAdder counter) {
    if (counter != null) {
      counter.increment();
    }
  }

  private static boolean raisedByJedis(RuntimeException e) {
    StackTraceElement[] frames = e.getStackTrace();
    return frames.length > 0 && frames[0].getClassName().startsWith("redis.clients.jedis.");
  }

  private static void clear(Pool<Connection> pool) {
    try {
      pool.clear();
    } catch (RuntimeException e) {
      // a closed pool, or a connection that failed to close: nothing left to drop either way
    }
  }
}
