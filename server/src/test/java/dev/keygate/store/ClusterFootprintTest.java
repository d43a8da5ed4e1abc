package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.admin.Caller;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.SharedLimiter;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisClusterSetup;
import dev.keygate.testing.RedisDeploymentsExtension;
import dev.keygate.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * The measurements docs/scaling.md rests on, taken on the local 3-master test Cluster: Redis memory
 * per key (record and project indexes) and per global limit state, and Redis commands per Authorize
 * call on a cache miss, a cache hit, and with leasing. Prints a table (see the test's output in
 * target/surefire-reports) and checks only loose sanity bounds: it is a measurement.
 */
@ExtendWith(RedisDeploymentsExtension.class)
class ClusterFootprintTest {
  private static final int KEYS = 2_000;
  private static final int CALLS = 200;

  private final RedisClusterSetup cluster;

  ClusterFootprintTest(RedisClusterSetup cluster) {
    this.cluster = cluster;
  }

  private long mastersMemory() {
    long sum = 0;
    for (RedisServer node : cluster.nodes()) {
      // a node another test killed and restarted is a replica now, or not up yet: not a master
      if (!node.isRunning()) {
        continue;
      }
      try (Jedis j = new Jedis("127.0.0.1", node.port())) {
        if (j.info("replication").contains("role:master")) {
          String mem = j.info("memory");
          String line = mem.substring(mem.indexOf("used_memory:") + 12);
          sum += Long.parseLong(line.substring(0, line.indexOf('\r')).trim());
        }
      }
    }
    return sum;
  }

  private long mastersCalls(String command) {
    long sum = 0;
    for (RedisServer node : cluster.nodes()) {
      // a node another test killed and restarted is a replica now, or not up yet: not a master
      if (!node.isRunning()) {
        continue;
      }
      try (Jedis j = new Jedis("127.0.0.1", node.port())) {
        if (j.info("replication").contains("role:master")) {
          for (String line : j.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
              String rest = line.substring(line.indexOf("calls=") + 6);
              sum += Long.parseLong(rest.substring(0, rest.indexOf(',')));
            }
          }
        }
      }
    }
    return sum;
  }

  private long[] calls() {
    return new long[] {mastersCalls("hgetall"), mastersCalls("evalsha") + mastersCalls("eval")};
  }

  @Test
  void measure_memoryPerKeyAndLimit_andCommandsPerAuthorize() {
    // the Cluster is shared: a failover test before this one may still be settling
    Eventually.await("cluster healthy", cluster::healthy);
    String ns = "fp" + UUID.randomUUID().toString().substring(0, 8);
    StringBuilder report = new StringBuilder("\nkeygate footprint on a 3-master Redis Cluster\n");
    try (RedisKeyStore store = RedisKeyStore.connect(cluster.url(), Duration.ofSeconds(5), ns)) {
      KeyService keys =
          new KeyService(
              store,
              new KeyFormat("kg", new SecureRandom()),
              new KeyHasher("pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
              Clock.systemUTC(),
              KeyKind.LIVE,
              1_000_000);
      long before = mastersMemory();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        // a typical key: a name, two labels, two scopes, a limit; 100 keys per project
        ids.add(
            keys.create(
                    Caller.ADMIN_TOKEN,
                    new NewKey(
                        "project-" + (i % 20),
                        "service key " + i,
                        "",
                        Map.of("team", "payments", "env", "prod"),
                        List.of("tasks:read", "tasks:write"),
                        null,
                        null,
                        new RateLimitSpec(100, Duration.ofMinutes(1)),
                        null))
                .key()
                .id());
      }
      long perKey = (mastersMemory() - before) / KEYS;
      // the records themselves, without the dictionary growth the delta above includes
      List<Long> records = new ArrayList<>();
      for (int i = 0; i < KEYS; i += KEYS / 5) {
        String recordKey = store.names().record(ids.get(i));
        RedisServer master = cluster.masterOf(recordKey);
        try (Jedis j = new Jedis("127.0.0.1", master.port())) {
          records.add(j.memoryUsage(recordKey, 0));
          if (i == 0) {
            report.append(
                String.format(
                    "record fields: %s (%s)%n",
                    new java.util.TreeSet<>(j.hkeys(recordKey)), j.objectEncoding(recordKey)));
          }
        }
      }
      SharedLimiter limiter = store.sharedLimiter();
      before = mastersMemory();
      for (String id : ids) {
        limiter.acquire(id, new RateLimitSpec(100, Duration.ofMinutes(1))).join();
      }
      long perState = (mastersMemory() - before) / KEYS;
      report
          .append(String.format("memory per key (record + project indexes): %d B%n", perKey))
          .append(String.format("MEMORY USAGE of sample records: %s B%n", records))
          .append(String.format("memory per global limit state: %d B%n", perState));
      assertTrue(perKey > 100 && perKey < 4_000, "bytes per key " + perKey);
      assertTrue(perState > 10 && perState < 1_000, "bytes per limit state " + perState);
    }

    // commands per Authorize: one sidecar with the key cache, a global limit on every key
    try (InProcessKeygate kg =
        InProcessKeygate.overRedis(
            cluster.url(),
            ns + "a",
            Ticker.systemTicker(),
            Map.of(
                "KEYGATE_RATE_LIMIT_SCOPE",
                "global",
                "KEYGATE_DEFAULT_RATE_LIMIT",
                "100000/1m",
                "KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT",
                "1000000",
                "KEYGATE_CACHE_MAX_STALENESS",
                "1h",
                // the lifecycle tick's scripts are not Authorize's: keep them out of the counts
                "KEYGATE_EVENTS_TICK",
                "1m"))) {
      List<String> secrets = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        secrets.add(kg.createKey("tasks:read").getSecret());
      }
      long[] start = calls();
      secrets.forEach(s -> kg.authorize().check(CheckRequest.newBuilder().setKey(s).build()));
      long[] misses = calls();
      secrets.forEach(s -> kg.authorize().check(CheckRequest.newBuilder().setKey(s).build()));
      long[] hits = calls();
      report
          .append(
              String.format(
                  "per Authorize, cache miss: %.2f HGETALL + %.2f EVALSHA%n",
                  (misses[0] - start[0]) / (double) CALLS, (misses[1] - start[1]) / (double) CALLS))
          .append(
              String.format(
                  "per Authorize, cache hit:  %.2f HGETALL + %.2f EVALSHA%n",
                  (hits[0] - misses[0]) / (double) CALLS, (hits[1] - misses[1]) / (double) CALLS));
      assertTrue(hits[1] - misses[1] <= CALLS, "at most one script call per hit");
    }

    try (InProcessKeygate kg =
        InProcessKeygate.overRedis(
            cluster.url(),
            ns + "b",
            Ticker.systemTicker(),
            Map.of(
                "KEYGATE_RATE_LIMIT_SCOPE",
                "global",
                "KEYGATE_DEFAULT_RATE_LIMIT",
                "100000/1m",
                "KEYGATE_RATE_LIMIT_LEASE",
                "10",
                "KEYGATE_RATE_LIMIT_LEASE_TTL",
                "1m",
                "KEYGATE_CACHE_MAX_STALENESS",
                "1h",
                // the lifecycle tick's scripts are not Authorize's: keep them out of the counts
                "KEYGATE_EVENTS_TICK",
                "1m"))) {
      String secret = kg.createKey("tasks:read").getSecret();
      CheckRequest request = CheckRequest.newBuilder().setKey(secret).build();
      kg.authorize().check(request);
      long[] start = calls();
      for (int i = 0; i < CALLS; i++) {
        kg.authorize().check(request);
      }
      long[] end = calls();
      double scripts = (end[1] - start[1]) / (double) CALLS;
      report.append(String.format("per Authorize, cache hit, lease 10: %.2f EVALSHA%n", scripts));
      assertTrue(scripts <= 0.2, "a lease of 10 needs about one script call per 10 calls");
    }
    System.out.println(report);
  }
}
