package dev.keygate.store;

import dev.keygate.key.Credits;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.Balances;
import dev.keygate.ratelimit.LimitOwner;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.SharedLimiter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;

/**
 * Global limits and credits in Redis, one Lua call over all of an owner's limits (and a key's
 * credits), all or nothing. An owner's state lives under its hash tag, so one call touches one
 * Cluster slot:
 *
 * <ul>
 *   <li>rolling limits: GCRA (the generic cell rate algorithm, a token bucket kept as one number,
 *       the theoretical arrival time) in {@code ns:rl:{<id>}:<spec>} for a key, {@code
 *       ns:proj:{<project>}:rl:<spec>} for a project. A limit of N per period admits a burst of N,
 *       then one call per period/N; in any window of one period at most 2N - 1 calls pass. Taking k
 *       calls at once (a lease) moves the arrival time k intervals, exactly as k single calls
 *       would. Time is Redis's own clock ({@code TIME}), so sidecars with skewed clocks still share
 *       one count.
 *   <li>calendar quotas: a counter per UTC day or month, the window's number appended to the
 *       limit's key ({@code ...:<spec>:<window>}), expiring a day after its window ends. The window
 *       is the sidecar's clock's: sidecars whose clocks disagree by s seconds count the s seconds
 *       around a boundary in different windows.
 *   <li>credits: {@code ns:cr:{<id>}}, a hash of {@code g} the generation of the admin setting it
 *       counts from, {@code r} the balance and {@code w} its refill window. A newer generation
 *       (UpdateKey set the credits again) resets the balance; a later refill window sets it to the
 *       refill amount. Never overspent: the balance is checked and spent in the one script.
 * </ul>
 */
final class RedisSharedLimiter implements SharedLimiter {

  // the scripts, with their KEYS and ARGV, are resources under redis/
  private static final LuaScript TAKE = LuaScript.resource("meter_take");
  private static final LuaScript RELEASE = LuaScript.resource("meter_release");

  private final RedisKeyStore store;

  RedisSharedLimiter(RedisKeyStore store) {
    this.store = store;
  }

  String stateKey(String keyId, RateLimitSpec spec) {
    return stateKey(LimitOwner.key(keyId), spec);
  }

  String stateKey(LimitOwner owner, RateLimitSpec spec) {
    return owner.kind() == LimitOwner.Kind.KEY
        ? store.namespace() + ":rl:{" + owner.id() + "}:" + spec.encode()
        : store.namespace() + ":proj:{" + owner.id() + "}:rl:" + spec.encode();
  }

  String creditsKey(String keyId) {
    return store.namespace() + ":cr:{" + keyId + "}";
  }

  /** Runs on the store's pool for such calls: the caller's thread never waits for Redis. */
  @Override
  public CompletableFuture<Grant> acquire(Take take) {
    return store.calls().submit(() -> acquireNow(take));
  }

  @Override
  public CompletableFuture<Void> release(Take take, int count) {
    if (count <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    return store
        .calls()
        .submit(
            () -> {
              Script call = script(take, count);
              store.client().run(r -> RELEASE.eval(r, call.keys, call.args));
              return null;
            });
  }

  @Override
  public long balance(String keyId, Credits credits, Instant at) {
    return current(credits, at, store.client().run(r -> r.hmget(creditsKey(keyId), "g", "r", "w")));
  }

  /** One pipelined round trip for the page (on a Cluster, grouped by node). */
  @Override
  public Map<String, Long> balances(Map<String, Credits> credits, Instant at) {
    if (credits.size() <= 1) {
      return SharedLimiter.super.balances(credits, at);
    }
    List<String> ids = List.copyOf(credits.keySet());
    List<List<String>> stored =
        store
            .client()
            .run(
                r -> {
                  List<Response<List<String>>> replies = new ArrayList<>(ids.size());
                  try (AbstractPipeline pipeline = r.pipelined()) {
                    for (String id : ids) {
                      replies.add(pipeline.hmget(creditsKey(id), "g", "r", "w"));
                    }
                    pipeline.sync();
                  }
                  List<List<String>> out = new ArrayList<>(replies.size());
                  for (Response<List<String>> reply : replies) {
                    out.add(reply.get());
                  }
                  return out;
                });
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), current(credits.get(ids.get(i)), at, stored.get(i)));
    }
    return out;
  }

  private static long current(Credits credits, Instant at, List<String> st) {
    return Balances.current(
        credits,
        credits.windowAt(at),
        st.get(0) == null ? -1 : Long.parseLong(st.get(0)),
        st.get(1) == null ? 0 : Long.parseLong(st.get(1)),
        st.get(2) == null ? 0 : Long.parseLong(st.get(2)));
  }

  private Grant acquireNow(Take take) {
    Script call = script(take, take.want());
    List<?> r = (List<?>) store.client().run(r2 -> TAKE.eval(r2, call.keys, call.args));
    int granted = (int) (long) (Long) r.get(0);
    List<RateLimitSpec> specs = take.specs();
    List<LimitState> states = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      RateLimitSpec spec = specs.get(i);
      long remaining = (Long) r.get(1 + 3 * i);
      long resetMicros = (Long) r.get(2 + 3 * i);
      long retryMicros = (Long) r.get(3 + 3 * i);
      // a limit that could admit reports its reset; one that could not, its retry delay
      boolean admits = retryMicros == 0;
      states.add(
          new LimitState(
              admits,
              spec,
              (int) Math.min(spec.requests(), remaining),
              Duration.ofNanos((admits ? resetMicros : retryMicros) * 1000),
              LimitScope.GLOBAL,
              take.owner().kind()));
    }
    if (take.credits().isEmpty()) {
      return new Grant(granted, states);
    }
    int at = 1 + 3 * specs.size();
    return new Grant(
        granted, states, OptionalLong.of((Long) r.get(at)), (Long) r.get(at + 1) == 1L);
  }

  /** The keys and arguments both scripts take. */
  private Script script(Take take, int count) {
    List<RateLimitSpec> specs = take.specs();
    List<String> keys = new ArrayList<>(specs.size() + 1);
    List<String> args = new ArrayList<>(4 + 3 * specs.size() + 5);
    long clockMicros = micros(take.at());
    args.add(Integer.toString(count));
    args.add(Integer.toString(specs.size()));
    args.add(take.credits().isPresent() ? "1" : "0");
    args.add(Long.toString(clockMicros));
    for (RateLimitSpec spec : specs) {
      if (spec.isCalendar()) {
        keys.add(stateKey(take.owner(), spec) + ":" + spec.window().windowAt(take.at()));
        args.add("w");
        args.add(Integer.toString(spec.requests()));
        args.add(Long.toString(micros(spec.window().windowEnd(take.at()))));
      } else {
        long periodMicros = spec.period().toMillis() * 1000;
        // rounded up, so rounding never admits more than N per period
        long interval = (periodMicros + spec.requests() - 1) / spec.requests();
        keys.add(stateKey(take.owner(), spec));
        args.add("g");
        args.add(Long.toString(interval));
        args.add(Long.toString(periodMicros));
      }
    }
    take.credits()
        .ifPresent(
            charge -> {
              Credits c = charge.credits();
              keys.add(creditsKey(take.owner().id()));
              args.add(Integer.toString(charge.cost()));
              args.add(Long.toString(c.generation()));
              args.add(Long.toString(c.amount()));
              args.add(Long.toString(c.refill().map(Credits.Refill::amount).orElse(0L)));
              args.add(Long.toString(c.windowAt(take.at())));
            });
    return new Script(keys, args);
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private record Script(List<String> keys, List<String> args) {}
}
