package dev.keygate.store;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Keeps a subscription to the invalidation channel on every node that {@link SubscriptionNodes}
 * names (the standalone server, the current Sentinel master, every Cluster master) and feeds a
 * {@link CachingKeyStore}: each message (a key id) invalidates that id. The cache is switched on
 * only while every one of those nodes has confirmed the subscription, and off the moment one is
 * lost; once all are back it starts empty.
 *
 * <p>A watchdog runs every {@value #PING_MILLIS} ms: it pings through every subscription and drops
 * one that sent no pong for {@value #DEAD_AFTER_MILLIS} ms (a subscribed connection has no read
 * timeout, so a peer that vanished or hangs would go unnoticed), drops a subscription that is not
 * confirmed within that time, drops subscriptions to nodes that are no longer named (a Sentinel
 * failover, a Cluster master replaced) and subscribes to newly named ones, with backoff after
 * failures. So a failover moves the subscription to the new master even when the old one stays up
 * (demoted, or back from a pause): messages published on the new master are never missed silently.
 */
public final class RedisInvalidationListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisInvalidationListener.class);
  static final long PING_MILLIS = 500;
  static final long DEAD_AFTER_MILLIS = 2_000;
  private static final long MIN_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 1_000;

  private final SubscriptionNodes nodes;
  private final String channel;
  private final CachingKeyStore cache;
  private final ScheduledExecutorService watchdog;
  private final Map<HostAndPort, Session> sessions = new ConcurrentHashMap<>();
  private final Map<HostAndPort, Long> retryAt = new ConcurrentHashMap<>();
  private final Map<HostAndPort, Long> backoff = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private RedisInvalidationListener(
      SubscriptionNodes nodes, String channel, CachingKeyStore cache) {
    this.nodes = nodes;
    this.channel = channel;
    this.cache = cache;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "keygate-invalidations-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  static RedisInvalidationListener start(
      SubscriptionNodes nodes, String channel, CachingKeyStore cache) {
    RedisInvalidationListener listener = new RedisInvalidationListener(nodes, channel, cache);
    cache.attach(listener);
    listener.watchdog.execute(listener::reconcile);
    listener.watchdog.scheduleWithFixedDelay(
        listener::reconcile, PING_MILLIS, PING_MILLIS, TimeUnit.MILLISECONDS);
    return listener;
  }

  /** The nodes subscribed and confirmed now (tests). */
  Set<HostAndPort> subscribedNodes() {
    Set<HostAndPort> out = new HashSet<>();
    sessions.forEach(
        (node, s) -> {
          if (s.isSubscribed()) {
            out.add(node);
          }
        });
    return out;
  }

  /** One watchdog round; runs on the watchdog thread only. */
  private void reconcile() {
    if (closed) {
      return;
    }
    Set<HostAndPort> wanted;
    try {
      wanted = nodes.current();
    } catch (RuntimeException e) {
      wanted = Set.of();
    }
    for (Map.Entry<HostAndPort, Session> e : sessions.entrySet()) {
      Session s = e.getValue();
      if (!wanted.contains(e.getKey())) {
        drop(s, "its node is no longer a master");
      } else if (System.nanoTime() - s.lastPong
          > TimeUnit.MILLISECONDS.toNanos(DEAD_AFTER_MILLIS)) {
        // no pong, or no subscription confirmed, for too long: a dead or hung node
        drop(s, "no answer for " + DEAD_AFTER_MILLIS + " ms");
      } else if (s.isSubscribed()) {
        try {
          s.ping();
        } catch (RuntimeException ex) {
          drop(s, ex.getClass().getSimpleName());
        }
      }
    }
    long now = System.nanoTime();
    for (HostAndPort node : wanted) {
      if (!sessions.containsKey(node) && retryAt.getOrDefault(node, 0L) - now <= 0) {
        subscribe(node);
      }
    }
    updateLive(wanted);
  }

  private void subscribe(HostAndPort node) {
    Session session = new Session(node);
    sessions.put(node, session);
    Thread t = new Thread(() -> run(session), "keygate-invalidations-" + node.getPort());
    t.setDaemon(true);
    t.start();
  }

  /** Blocks in SUBSCRIBE until the subscription ends, then schedules the next attempt. */
  private void run(Session session) {
    boolean confirmed = false;
    try (Jedis jedis = new Jedis(nodes.connect(session.node))) {
      session.jedis = jedis;
      if (!closed && sessions.get(session.node) == session) {
        jedis.subscribe(session, channel);
      }
      confirmed = session.confirmed;
    } catch (RuntimeException e) {
      confirmed = session.confirmed;
      if (!closed) {
        // the type says enough (refused, reset, timeout); Jedis messages carry no secrets, but
        // we keep to the same rule as the store and do not repeat them
        log.warn(
            "invalidation subscription to {} lost ({}); cache bypassed until it is back",
            session.node,
            e.getClass().getSimpleName());
      }
    } finally {
      sessions.remove(session.node, session);
      cache.disconnected();
      long delay =
          confirmed
              ? MIN_BACKOFF_MILLIS
              : Math.min(MAX_BACKOFF_MILLIS, backoff.getOrDefault(session.node, 25L) * 2);
      backoff.put(session.node, delay);
      retryAt.put(session.node, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay));
      if (!closed) {
        try {
          nodes.refresh(); // a lost master may mean a failover: re-read where the masters are
        } catch (RuntimeException e) {
          // no node answers right now; the next round tries again
        }
        try {
          watchdog.schedule(this::reconcile, delay, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
          // shutting down
        }
      }
    }
  }

  private void updateLive(Set<HostAndPort> wanted) {
    boolean all = !wanted.isEmpty();
    for (HostAndPort node : wanted) {
      Session s = sessions.get(node);
      all &= s != null && s.isSubscribed();
    }
    if (all && !cache.isLive()) {
      cache.connected();
    } else if (!all && cache.isLive()) {
      cache.disconnected();
    }
  }

  private void drop(Session session, String why) {
    log.warn("dropping invalidation subscription to {}: {}", session.node, why);
    cache.disconnected();
    sessions.remove(session.node, session);
    Jedis jedis = session.jedis;
    if (jedis != null) {
      jedis.disconnect(); // makes subscribe() return on the session's thread
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    for (Session session : sessions.values()) {
      try {
        session.unsubscribe();
      } catch (RuntimeException e) {
        Jedis jedis = session.jedis;
        if (jedis != null) {
          jedis.disconnect();
        }
      }
    }
  }

  /** One subscribed connection, to one node. */
  private final class Session extends JedisPubSub {
    final HostAndPort node;
    volatile Jedis jedis;
    volatile boolean confirmed;
    volatile long lastPong = System.nanoTime();

    Session(HostAndPort node) {
      this.node = node;
    }

    @Override
    public void onSubscribe(String ch, int subscribedChannels) {
      lastPong = System.nanoTime();
      confirmed = true;
      // the watchdog turns the cache on once every node is subscribed; no need to wait a round
      try {
        watchdog.execute(RedisInvalidationListener.this::reconcile);
      } catch (RuntimeException e) {
        // closing
      }
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
