package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.RedisServer;
import dev.keygate.usage.UsageRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A usage flush that partly fails never counts a delta twice: what Redis refused is sent again,
 * what it applied or may have applied is not.
 */
class UsageFlushTest {
  @Test
  void flush_someDeltasRefused_appliedOnesNotCountedAgain() {
    try (RedisServer redis = RedisServer.start();
        RedisKeyStore store = RedisKeyStore.connect(redis.url(), Duration.ofSeconds(2), "kgu");
        UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
        Jedis jedis = new Jedis(URI.create(redis.url()))) {
      ApiKeyRecord a = KeyStoreContract.key("usageflush01", "proj", T0);
      ApiKeyRecord b = KeyStoreContract.key("usageflush02", "proj", T0);
      store.create(a, "", 10, T0);
      store.create(b, "", 10, T0);
      // b's usage count is corrupt: its script answers an error, a's counts
      jedis.hset(store.names().record(b.id()), "ut", "x");
      for (int i = 0; i < 3; i++) {
        usage.record(a.id(), T0);
      }
      usage.record(b.id(), T0);
      usage.record(b.id(), T0);

      UsageNotRecordedException e = assertThrows(UsageNotRecordedException.class, usage::flush);
      assertEquals(1, e.retry().size(), "only b's delta is handed back");
      jedis.hdel(store.names().record(b.id()), "ut");
      usage.flush();

      assertEquals(3, store.find(a.id()).orElseThrow().usage().total(), "a counted once");
      assertEquals(2, store.find(b.id()).orElseThrow().usage().total(), "b counted on retry");
    }
  }

  @Test
  void flush_repliesLostAfterRedisCounted_neverCountedTwice() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ReplyDroppingRelay relay = new ReplyDroppingRelay(redis.port());
        RedisKeyStore store =
            RedisKeyStore.connect(
                "redis://127.0.0.1:" + relay.port(), Duration.ofMillis(500), "kgu");
        UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
        Jedis direct = new Jedis(URI.create(redis.url()))) {
      ApiKeyRecord a = KeyStoreContract.key("usageflush03", "proj", T0);
      store.create(a, "", 10, T0);
      for (int i = 0; i < 5; i++) {
        usage.record(a.id(), T0);
      }
      direct.scriptLoad(LuaScript.resource("usage").source()); // else EVALSHA answers NOSCRIPT
      // Redis runs the flush, but its replies never arrive: the sidecar cannot tell
      relay.dropReplies(true);
      assertThrows(StoreUnavailableException.class, usage::flush);
      assertEquals("5", direct.hget(store.names().record(a.id()), "ut"), "Redis did count");
      relay.dropReplies(false);
      Eventually.await(
          "flushes go through again",
          () -> {
            try {
              usage.flush();
              return usage.pendingKeys() == 0 && store.ping();
            } catch (StoreUnavailableException ex) {
              return false;
            }
          });
      assertEquals("5", direct.hget(store.names().record(a.id()), "ut"), "not counted twice");
      assertEquals(1, usage.uncertainDeltas());
    }
  }

  /**
   * A TCP relay in front of a real redis-server that can swallow the server's replies: the commands
   * reach Redis and run, the client sees a timeout.
   */
  private static final class ReplyDroppingRelay implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean dropReplies;

    ReplyDroppingRelay(int target) throws IOException {
      this.target = target;
      Thread accept = new Thread(this::accept, "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void dropReplies(boolean drop) {
      dropReplies = drop;
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream, false);
          pump(upstream, client, true);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean replies) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    if (!(replies && dropReplies)) {
                      out.write(buf, 0, n);
                      out.flush();
                    }
                  }
                } catch (IOException e) {
                  // either side closed
                } finally {
                  closeQuietly(from);
                  closeQuietly(to);
                }
              },
              "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      sockets.forEach(ReplyDroppingRelay::closeQuietly);
    }
  }
}
