package dev.keygate.bench;

import com.google.protobuf.FieldMask;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.bench.LoadRunner.Call;
import dev.keygate.bench.LoadRunner.Result;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The scenarios of the Performance section. Each measures Authorize and, right before it under the
 * same concurrency and duration, the baseline (health Check on the same server and channel), and
 * reports Authorize relative to it.
 */
final class Scenarios {
  private final BenchOptions o;
  private final Target target;
  private String[] seeded; // scenario b's keys, reused by c

  Scenarios(BenchOptions o, Target target) {
    this.o = o;
    this.target = target;
  }

  private Result baseline() {
    return LoadRunner.closedLoop(target::healthCheck, o.concurrency(), o.warmup(), o.duration());
  }

  private Result authorize(CheckRequest[] requests) {
    return LoadRunner.closedLoop(randomOf(requests), o.concurrency(), o.warmup(), o.duration());
  }

  private Call randomOf(CheckRequest[] requests) {
    return () -> target.authorize(requests[ThreadLocalRandom.current().nextInt(requests.length)]);
  }

  static CheckRequest[] requests(String[] secrets) {
    CheckRequest[] r = new CheckRequest[secrets.length];
    for (int i = 0; i < secrets.length; i++) {
      r[i] = Target.checkRequest(secrets[i]);
    }
    return r;
  }

  /**
   * Before any measurement: exercise both call kinds for a while so the JIT has compiled the
   * server's and the generator's paths; otherwise whichever runs first looks slower.
   */
  void warmUpJit() {
    CheckRequest[] requests = requests(new String[] {target.createKey("jitwarmup", 0).getSecret()});
    for (int i = 0; i < 2; i++) {
      LoadRunner.closedLoop(target::healthCheck, o.concurrency(), o.warmup(), o.warmup());
      LoadRunner.closedLoop(randomOf(requests), o.concurrency(), o.warmup(), o.warmup());
    }
  }

  /** (a) a few hot keys, every call a cache hit; closed loop, then open loop at a share of peak. */
  Map<String, Object> hotKeys(RedisStats redis) {
    String[] secrets = new String[o.hotKeys()];
    for (int i = 0; i < secrets.length; i++) {
      secrets[i] = target.createKey("hot" + i, 0).getSecret();
    }
    CheckRequest[] requests = requests(secrets);
    Result base = baseline();
    // warm every key into the cache, then count Redis commands over the measured phase only
    LoadRunner.closedLoop(randomOf(requests), o.concurrency(), o.warmup(), o.warmup());
    Map<String, Long> before = redis == null ? null : redis.commandCalls();
    Result authz =
        LoadRunner.closedLoop(randomOf(requests), o.concurrency(), Duration.ZERO, o.duration());
    Map<String, Object> out = compare(base, authz);
    if (redis != null) {
      Map<String, Long> delta = RedisStats.delta(before, redis.commandCalls());
      out.put("redis_commands_during_hits", delta);
      out.put("redis_key_reads_during_hits", delta.getOrDefault("hgetall", 0L));
    }
    double rate = o.openLoadFraction() * authz.throughput();
    Result openBase = LoadRunner.openLoop(target::healthCheck, rate, o.warmup(), o.duration());
    Result openAuthz = LoadRunner.openLoop(randomOf(requests), rate, o.warmup(), o.duration());
    Map<String, Object> open = new LinkedHashMap<>();
    open.put("rate_per_s", rate);
    open.put("share_of_authorize_peak", o.openLoadFraction());
    open.put("baseline", summary(openBase));
    open.put("authorize", summary(openAuthz));
    out.put("open_loop", open);
    return out;
  }

  /** (b) many keys in Redis, uniform: mostly cache misses. Also measures Redis bytes per key. */
  Map<String, Object> uniform(RedisStats redis) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    long memBefore = redis.usedMemory();
    long t0 = System.nanoTime();
    seeded = Seeder.seed(o.redis(), o.namespace(), Seeder.pepper(o.pepper()), o.uniformKeys());
    out.put("keys", o.uniformKeys());
    out.put("seed_seconds", (System.nanoTime() - t0) / 1e9);
    out.put("redis_bytes_per_key", (double) (redis.usedMemory() - memBefore) / o.uniformKeys());
    CheckRequest[] requests = requests(seeded);
    Result base = baseline();
    Map<String, Long> before = redis.commandCalls();
    Result authz = authorize(requests);
    Map<String, Long> delta = RedisStats.delta(before, redis.commandCalls());
    out.putAll(compare(base, authz));
    // includes the warm-up's calls too: an upper bound on the miss share of the measured phase
    out.put("redis_key_reads", delta.getOrDefault("hgetall", 0L));
    return out;
  }

  /**
   * (g) The same Authorize load against an instance with the cache off ({@code
   * KEYGATE_CACHE_MAX_KEYS=0}) on the same Redis: every call reads Redis. Uses (b)'s keys when (b)
   * ran, else hot keys created on that instance (every call is a Redis read either way). The
   * baseline is that instance's own health Check.
   */
  Map<String, Object> cacheOff(Target cacheOff, RedisStats redis) throws InterruptedException {
    cacheOff.awaitServing(60);
    CheckRequest[] requests;
    if (seeded != null) {
      requests = requests(seeded);
    } else {
      String[] secrets = new String[o.hotKeys()];
      for (int i = 0; i < secrets.length; i++) {
        secrets[i] = cacheOff.createKey("cacheoff" + i, 0).getSecret();
      }
      requests = requests(secrets);
    }
    Call authorize =
        () -> cacheOff.authorize(requests[ThreadLocalRandom.current().nextInt(requests.length)]);
    // a fresh JVM: both call kinds once through warm-up, then measure each after its own
    for (int i = 0; i < 2; i++) {
      LoadRunner.closedLoop(cacheOff::healthCheck, o.concurrency(), o.warmup(), o.warmup());
      LoadRunner.closedLoop(authorize, o.concurrency(), o.warmup(), o.warmup());
    }
    Result base =
        LoadRunner.closedLoop(cacheOff::healthCheck, o.concurrency(), o.warmup(), o.duration());
    LoadRunner.closedLoop(authorize, o.concurrency(), o.warmup(), java.time.Duration.ZERO);
    Map<String, Long> before = redis == null ? null : redis.commandCalls();
    Result authz =
        LoadRunner.closedLoop(authorize, o.concurrency(), java.time.Duration.ZERO, o.duration());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keys", requests.length);
    out.put("keys_from", seeded != null ? "b_uniform" : "hot_keys");
    out.putAll(compare(base, authz));
    if (redis != null) {
      long reads = RedisStats.delta(before, redis.commandCalls()).getOrDefault("hgetall", 0L);
      out.put("redis_key_reads", reads);
      // about 1.0 when every call reads Redis (other instances' reads of the same Redis count too)
      out.put(
          "redis_key_reads_per_call", (double) reads / Math.max(1, authz.ok() + authz.failed()));
    }
    return out;
  }

  /** (c) Zipf popularity over the seeded keys, with a share of unknown (well-formed) keys. */
  Map<String, Object> zipf(RedisStats redis) {
    String[] unknown = Seeder.unknown(1_000);
    CheckRequest[] known = requests(seeded);
    CheckRequest[] bad = requests(unknown);
    Zipf zipf = new Zipf(known.length, o.zipfS());
    ThreadLocal<SplittableRandom> random =
        ThreadLocal.withInitial(() -> new SplittableRandom(ThreadLocalRandom.current().nextLong()));
    Call call =
        () -> {
          SplittableRandom r = random.get();
          CheckRequest req =
              r.nextDouble() < o.missRatio() ? bad[r.nextInt(bad.length)] : known[zipf.next(r)];
          return target.authorize(req);
        };
    Result base = baseline();
    Map<String, Long> before = redis.commandCalls();
    Result authz = LoadRunner.closedLoop(call, o.concurrency(), o.warmup(), o.duration());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("zipf_s", o.zipfS());
    out.put("unknown_key_share", o.missRatio());
    out.putAll(compare(base, authz));
    out.put(
        "redis_key_reads",
        RedisStats.delta(before, redis.commandCalls()).getOrDefault("hgetall", 0L));
    return out;
  }

  /** (d) 64 clients on one key with a limit: admitted calls never exceed the limit per period. */
  Map<String, Object> rateLimited() {
    int limit = o.rateLimit();
    CheckRequest request = Target.checkRequest(target.createKey("limited", limit).getSecret());
    Result r =
        LoadRunner.closedLoop(() -> target.authorize(request), 64, Duration.ZERO, o.duration());
    // the limiter's periods are 1 s long and start when it is created (first call): a run of
    // s seconds touches at most ceil(s) + 1 periods
    long periods = (long) Math.ceil(r.seconds()) + 1;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("clients", 64);
    out.put("limit_per_second", limit);
    out.put("seconds", r.seconds());
    out.put("admitted", r.ok());
    out.put("limited", r.failed());
    out.put("admitted_max_allowed", limit * periods);
    out.put("within_limit", r.ok() <= limit * periods);
    out.put("authorize", summary(r));
    return out;
  }

  /** (e) hot-key Authorize load while an admin client keeps updating those keys. */
  Map<String, Object> adminWrites() throws InterruptedException {
    int n = o.hotKeys();
    String[] ids = new String[n];
    String[] secrets = new String[n];
    for (int i = 0; i < n; i++) {
      CreateKeyResponse k = target.createKey("churn" + i, 0);
      ids[i] = k.getKey().getId();
      secrets[i] = k.getSecret();
    }
    CheckRequest[] requests = requests(secrets);
    Result base = baseline();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    AtomicLong writeErrors = new AtomicLong();
    long pauseMillis = Math.max(1, 1000 / Math.max(1, o.adminWritesPerSecond()));
    Thread writer =
        new Thread(
            () -> {
              int i = 0;
              while (!stop.get()) {
                try {
                  target
                      .admin()
                      .updateKey(
                          UpdateKeyRequest.newBuilder()
                              .setKey(ApiKey.newBuilder().setId(ids[i % n]).setName("bench " + i))
                              .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
                              .build());
                  writes.incrementAndGet();
                } catch (StatusRuntimeException e) {
                  writeErrors.incrementAndGet();
                }
                i++;
                try {
                  Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-admin-writer");
    writer.start();
    Result authz = authorize(requests);
    stop.set(true);
    writer.join();
    Map<String, Object> out = compare(base, authz);
    out.put("admin_writes", writes.get());
    out.put("admin_write_errors", writeErrors.get());
    return out;
  }

  /**
   * (f) Revocation on this server, seen by a second server sharing the Redis: from sending
   * RevokeKey to the first denial by the second server, which had the key cached.
   */
  static Map<String, Object> revocation(Target first, Target second, int rounds) {
    Histogram fromSend = new Histogram(3);
    Histogram afterReturn = new Histogram(3);
    long immediate = 0;
    for (int i = 0; i < rounds; i++) {
      CreateKeyResponse key = first.createKey("revoke" + i, 0);
      CheckRequest check = Target.checkRequest(key.getSecret());
      for (int j = 0; j < 2; j++) {
        try {
          second.authorize(check).get();
        } catch (Exception e) {
          throw new IllegalStateException("second server denied a fresh key", e);
        }
      }
      long t0 = System.nanoTime();
      first
          .admin()
          .revokeKey(
              RevokeKeyRequest.newBuilder().setId(key.getKey().getId()).setReason("bench").build());
      long t1 = System.nanoTime();
      int polls = 0;
      while (true) {
        polls++;
        try {
          second.authorize(check).get();
        } catch (Exception denied) {
          break;
        }
        if (System.nanoTime() - t0 > 30_000_000_000L) {
          throw new IllegalStateException("second server still allows a revoked key after 30 s");
        }
      }
      if (polls == 1) {
        immediate++;
      }
      long seen = System.nanoTime();
      fromSend.recordValue(Math.max(1, seen - t0));
      afterReturn.recordValue(Math.max(1, seen - t1));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rounds", rounds);
    out.put("denied_on_first_check_after_revoke", immediate);
    // from sending RevokeKey: includes the revoke call itself (the conservative figure)
    out.put("p50_ms", fromSend.getValueAtPercentile(50) / 1e6);
    out.put("p99_ms", fromSend.getValueAtPercentile(99) / 1e6);
    out.put("max_ms", fromSend.getMaxValue() / 1e6);
    // from RevokeKey's answer (the write is committed and published) to the second's denial,
    // which includes one Authorize round trip to the second instance
    out.put("after_return_p50_ms", afterReturn.getValueAtPercentile(50) / 1e6);
    out.put("after_return_p99_ms", afterReturn.getValueAtPercentile(99) / 1e6);
    return out;
  }

  static Map<String, Object> compare(Result base, Result authz) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("baseline", summary(base));
    out.put("authorize", summary(authz));
    out.put("throughput_ratio", authz.throughput() / base.throughput());
    out.put("p50_delta_us", authz.micros(50) - base.micros(50));
    out.put("p99_delta_us", authz.micros(99) - base.micros(99));
    return out;
  }

  static Map<String, Object> summary(Result r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("throughput_per_s", r.throughput());
    out.put("ok", r.ok());
    out.put("failed", r.failed());
    out.put("p50_us", r.micros(50));
    out.put("p90_us", r.micros(90));
    out.put("p99_us", r.micros(99));
    out.put("p999_us", r.micros(99.9));
    return out;
  }
}
