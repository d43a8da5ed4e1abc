package dev.keygate.store;

import java.util.HashSet;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The nodes an invalidation listener must be subscribed to: every node a write's {@code PUBLISH} is
 * first delivered on. A message reaches the subscribers of the node that ran the script at once;
 * other nodes get it only through replication (Sentinel) or the cluster bus (Cluster), which can
 * lag or break without the subscriber noticing. So: the standalone server, the current Sentinel
 * master, every Cluster master.
 */
interface SubscriptionNodes {
  /** The nodes to be subscribed to now. */
  Set<HostAndPort> current();

  /** A connection to {@code node}; closing it returns it to its pool. */
  Connection connect(HostAndPort node);

  /** Re-reads the topology after a subscription was lost (a failover may have moved masters). */
  default void refresh() {}

  /** The one standalone server. */
  static SubscriptionNodes standalone(HostAndPort node, CallBudget.Standalone provider) {
    return new SubscriptionNodes() {
      @Override
      public Set<HostAndPort> current() {
        return Set.of(node);
      }

      @Override
      public Connection connect(HostAndPort n) {
        return provider.getConnection();
      }
    };
  }

  /** The master the sentinels name now; the provider follows their announcements. */
  static SubscriptionNodes sentinel(CallBudget.Sentinel provider) {
    return new SubscriptionNodes() {
      @Override
      public Set<HostAndPort> current() {
        HostAndPort master = provider.getCurrentMaster();
        return master == null ? Set.of() : Set.of(master);
      }

      @Override
      public Connection connect(HostAndPort node) {
        Connection c = provider.getConnection();
        if (!node.equals(c.getHostAndPort())) {
          // the master changed between the two calls: the next round subscribes to the new one
          c.close();
          throw new JedisConnectionException("master changed");
        }
        return c;
      }
    };
  }

  /** Every master serving a slot, as the client's slot map says. */
  static SubscriptionNodes cluster(CallBudget.Cluster provider) {
    return new SubscriptionNodes() {
      @Override
      public Set<HostAndPort> current() {
        Set<HostAndPort> masters = new HashSet<>();
        for (int slot = 0; slot < 16_384; slot++) {
          HostAndPort node = provider.getNode(slot);
          if (node != null) {
            masters.add(node);
          }
        }
        return masters;
      }

      @Override
      public Connection connect(HostAndPort node) {
        return provider.getConnection(node);
      }

      @Override
      public void refresh() {
        provider.renewSlotCache();
      }
    };
  }
}
