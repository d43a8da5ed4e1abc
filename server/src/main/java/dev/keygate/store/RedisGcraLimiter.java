package dev.keygate.store;

import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.LimitState;
import dev.keygate.ratelimit.SharedLimiter;
import java.time.Duration;
import java.util.List;

/**
 * Global rate limits in Redis: GCRA (the generic cell rate algorithm, a token bucket kept as one
 * number, the theoretical arrival time) in one Lua call on {@code ns:rl:{<id>}:<spec>}, which
 * shares the key's hash tag and so its Cluster slot.
 *
 * <p>A limit of N per period admits a burst of N, then one call per period/N. In any window of
 * one period at most 2N - 1 calls pass (a full bucket, then a whole period of refill); over a
 * period starting from a full bucket, at most N plus what refilled. Time is Redis's own clock
 * ({@code TIME}), so sidecars with skewed clocks still share one count.
 */
final class RedisGcraLimiter implements SharedLimiter {
  // KEYS: the limit's state. ARGV: emission interval µs, period µs.
  // Returns {admitted 0/1, remaining, retry-after µs, reset-after µs}.
  static final String SOURCE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local interval = tonumber(ARGV[1])
      local period = tonumber(ARGV[2])
      local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
      if tat < now then tat = now end
      local next = tat + interval
      if next - period > now then
        return {0, 0, next - period - now, tat - now}
      end
      redis.call('SET', KEYS[1], string.format('%d', next), 'PX', math.floor((next - now) / 1000) + 1)
      return {1, math.floor((now + period - next) / interval), 0, next - now}
      """;

  private final RedisKeyStore store;

  RedisGcraLimiter(RedisKeyStore store) {
    this.store = store;
  }

  String stateKey(String keyId, RateLimitSpec spec) {
    return store.namespace() + ":rl:{" + keyId + "}:" + spec.encode();
  }

  @Override
  public LimitState acquire(String keyId, RateLimitSpec spec) {
    long periodMicros = spec.period().toMillis() * 1000;
    // rounded up, so rounding never admits more than N per period
    long interval = (periodMicros + spec.requests() - 1) / spec.requests();
    List<?> r = store.evalLimit(stateKey(keyId, spec),
        List.of(Long.toString(interval), Long.toString(periodMicros)));
    boolean admitted = (Long) r.get(0) == 1;
    int remaining = (int) Math.min(spec.requests(), Math.max(0, (Long) r.get(1)));
    Duration wait = Duration.ofNanos((Long) r.get(admitted ? 3 : 2) * 1000);
    return new LimitState(admitted, spec, remaining, wait);
  }
}
