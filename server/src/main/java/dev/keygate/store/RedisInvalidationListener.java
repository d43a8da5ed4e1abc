package dev.keygate.store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Keeps one Redis connection subscribed to the invalidation channel and feeds a {@link
 * CachingKeyStore}: each message (a key id) invalidates that id; the cache is switched on only
 * while the subscription is confirmed and off the moment it is lost.
 *
 * <p>A subscribed connection has no read timeout, so a peer that vanished without closing the
 * socket would go unnoticed; a watchdog pings through the subscription every {@value #PING_MILLIS}
 * ms and drops the connection when no pong came for {@value #DEAD_AFTER_MILLIS} ms. On any loss it
 * reconnects with backoff and, once subscribed again, the cache starts empty.
 */
public final class RedisInvalidationListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisInvalidationListener.class);
  static final long PING_MILLIS = 500;
  static final long DEAD_AFTER_MILLIS = 2_000;
  private static final long MAX_BACKOFF_MILLIS = 1_000;

  private final Supplier<Connection> connections;
  private final String channel;
  private final CachingKeyStore cache;
  private final Thread thread;
  private final ScheduledExecutorService watchdog;
  private final AtomicReference<Session> current = new AtomicReference<>();
  private volatile boolean closed;

  private RedisInvalidationListener(
      Supplier<Connection> connections, String channel, CachingKeyStore cache) {
    this.connections = connections;
    this.channel = channel;
    this.cache = cache;
    this.thread = new Thread(this::run, "keygate-invalidations");
    this.thread.setDaemon(true);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keygate-invalidations-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * @param connections hands out a connection to a node that sees the channel's messages (the
   *     standalone server, the current Sentinel master, any Cluster node); closing it returns it
   */
  static RedisInvalidationListener start(
      Supplier<Connection> connections, String channel, CachingKeyStore cache) {
    RedisInvalidationListener listener = new RedisInvalidationListener(connections, channel, cache);
    cache.attach(listener);
    listener.thread.start();
    listener.watchdog.scheduleWithFixedDelay(
        listener::checkAlive, PING_MILLIS, PING_MILLIS, TimeUnit.MILLISECONDS);
    return listener;
  }

  private void run() {
    long backoff = 50;
    while (!closed) {
      try (Jedis jedis = new Jedis(connections.get())) {
        Session session = new Session(jedis);
        current.set(session);
        // blocks until unsubscribed or the connection fails
        jedis.subscribe(session, channel);
        backoff = 50;
      } catch (RuntimeException e) {
        if (!closed) {
          // the type says enough (refused, reset, timeout); Jedis messages carry no secrets, but
          // we keep to the same rule as the store and do not repeat them
          log.warn(
              "invalidation subscription lost ({}); cache bypassed until it is back",
              e.getClass().getSimpleName());
        }
      } finally {
        current.set(null);
        cache.disconnected();
      }
      if (!closed) {
        sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void checkAlive() {
    Session session = current.get();
    if (session == null || !session.isSubscribed()) {
      return;
    }
    long silentFor = System.nanoTime() - session.lastPong;
    if (silentFor > TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MILLIS)) {
      // stop trusting the cache now; closing the socket makes subscribe() return and reconnect
      cache.disconnected();
      session.jedis.disconnect();
      return;
    }
    try {
      session.ping();
    } catch (RuntimeException e) {
      session.jedis.disconnect();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    Session session = current.get();
    if (session != null) {
      try {
        session.unsubscribe();
      } catch (RuntimeException e) {
        session.jedis.disconnect();
      }
    }
    thread.interrupt();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One subscribed connection. */
  private final class Session extends JedisPubSub {
    final Jedis jedis;
    volatile long lastPong = System.nanoTime();

    Session(Jedis jedis) {
      this.jedis = jedis;
    }

    @Override
    public void onSubscribe(String ch, int subscribedChannels) {
      lastPong = System.nanoTime();
      cache.connected();
    }

    @Override
    public void onMessage(String ch, String keyId) {
      cache.invalidate(keyId);
    }

    @Override
    public void onPong(String pattern) {
      lastPong = System.nanoTime();
    }
  }
}
