package dev.keygate.store;

import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitOwner;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.SharedLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Global rate limits in Redis: GCRA (the generic cell rate algorithm, a token bucket kept as one
 * number, the theoretical arrival time) in one Lua call over all of an owner's limits. A key's
 * state lives in {@code ns:rl:{<id>}:<spec>} (the key's hash tag), a project's in {@code
 * ns:proj:{<project>}:rl:<spec>} (the project's), so one call touches one Cluster slot.
 *
 * <p>A limit of N per period admits a burst of N, then one call per period/N. In any window of one
 * period at most 2N - 1 calls pass (a full bucket, then a whole period of refill); over a period
 * starting from a full bucket, at most N plus what refilled. Taking k calls at once (a lease) moves
 * the arrival time k intervals, exactly as k single calls would. Time is Redis's own clock ({@code
 * TIME}), so sidecars with skewed clocks still share one count.
 */
final class RedisGcraLimiter implements SharedLimiter {
  // KEYS: one state per limit. ARGV: want, then per limit: emission interval µs, period µs.
  // Grants g = min(want, calls every limit can admit) from all of them, or nothing.
  // Returns {g, then per limit: remaining, reset-after µs, retry-after µs (0 = can admit)}.
  static final String SOURCE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local want = tonumber(ARGV[1])
      local tats = {}
      local grant = want
      for i = 1, #KEYS do
        local interval = tonumber(ARGV[2 * i])
        local period = tonumber(ARGV[2 * i + 1])
        local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
        if tat < now then tat = now end
        tats[i] = tat
        local free = math.floor((now + period - tat) / interval)
        if free < grant then grant = free end
      end
      if grant < 0 then grant = 0 end
      local out = {grant}
      for i = 1, #KEYS do
        local interval = tonumber(ARGV[2 * i])
        local period = tonumber(ARGV[2 * i + 1])
        local tat = tats[i]
        local free = math.floor((now + period - tat) / interval)
        local retry = 0
        if free < 1 then retry = tat + interval - period - now end
        if grant > 0 then
          tat = tat + grant * interval
          redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.floor((tat - now) / 1000) + 1)
          free = math.floor((now + period - tat) / interval)
        end
        if free < 0 then free = 0 end
        out[#out + 1] = free
        out[#out + 1] = tat - now
        out[#out + 1] = retry
      end
      return out
      """;

  private final RedisKeyStore store;

  RedisGcraLimiter(RedisKeyStore store) {
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

  /** Runs on the store's pool for such calls: the caller's thread never waits for Redis. */
  @Override
  public CompletableFuture<Grant> acquire(LimitOwner owner, List<RateLimitSpec> specs, int want) {
    return store.calls().submit(() -> acquireNow(owner, specs, want));
  }

  private Grant acquireNow(LimitOwner owner, List<RateLimitSpec> specs, int want) {
    List<String> keys = new ArrayList<>(specs.size());
    List<String> args = new ArrayList<>(1 + 2 * specs.size());
    args.add(Integer.toString(want));
    for (RateLimitSpec spec : specs) {
      long periodMicros = spec.period().toMillis() * 1000;
      // rounded up, so rounding never admits more than N per period
      long interval = (periodMicros + spec.requests() - 1) / spec.requests();
      keys.add(stateKey(owner, spec));
      args.add(Long.toString(interval));
      args.add(Long.toString(periodMicros));
    }
    List<?> r = store.evalLimit(keys, args);
    int granted = (int) (long) (Long) r.get(0);
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
              owner.kind()));
    }
    return new Grant(granted, states);
  }
}
