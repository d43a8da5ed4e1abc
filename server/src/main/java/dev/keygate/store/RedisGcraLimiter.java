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
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

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
final class RedisGcraLimiter implements SharedLimiter {
  // KEYS: the limits' states in order, then the credits balance when ARGV[3] is '1'.
  // ARGV: want, limit count n, credits flag, sidecar clock µs; per limit three args: kind and two
  //   numbers: 'g' (GCRA) emission interval µs, period µs; 'w' (calendar window) limit, window
  //   end µs; then, with credits: cost, generation, amount, refill amount (0 = none), refill
  // window.
  // Grants g = min(want, what every limit and the credits can admit) from all of them, or nothing.
  // Returns {g, per limit: remaining, reset-after µs, retry-after µs (0 = can admit), then with
  //   credits: the balance after the grant and 1 if it covered the cost}.
  static final String SOURCE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local want = tonumber(ARGV[1])
      local n = tonumber(ARGV[2])
      local clock = tonumber(ARGV[4])
      local grant = want
      local vals = {}
      for i = 1, n do
        local a = tonumber(ARGV[3 + 3 * i])
        local b = tonumber(ARGV[4 + 3 * i])
        local v = tonumber(redis.call('GET', KEYS[i]) or '0')
        local free
        if ARGV[2 + 3 * i] == 'g' then
          if v < now then v = now end
          free = math.floor((now + b - v) / a)
        else
          free = a - v
        end
        vals[i] = v
        if free < grant then grant = free end
      end
      local cost, cg, cr, cw
      if ARGV[3] == '1' then
        local c = 5 + 3 * n
        cost = tonumber(ARGV[c])
        local st = redis.call('HMGET', KEYS[n + 1], 'g', 'r', 'w')
        cg = tonumber(st[1] or '-1')
        cr = tonumber(st[2] or '0')
        cw = tonumber(st[3] or '0')
        local win = tonumber(ARGV[c + 4])
        if tonumber(ARGV[c + 1]) > cg then
          cg = tonumber(ARGV[c + 1])
          cr = tonumber(ARGV[c + 2])
          cw = win
        end
        if tonumber(ARGV[c + 3]) > 0 and win > cw then
          cr = tonumber(ARGV[c + 3])
          cw = win
        end
        local free = math.floor(cr / cost)
        if free < grant then grant = free end
      end
      if grant < 0 then grant = 0 end
      local out = {grant}
      for i = 1, n do
        local a = tonumber(ARGV[3 + 3 * i])
        local b = tonumber(ARGV[4 + 3 * i])
        local v = vals[i]
        local free, reset
        local retry = 0
        if ARGV[2 + 3 * i] == 'g' then
          free = math.floor((now + b - v) / a)
          if free < 1 then retry = v + a - b - now end
          if grant > 0 then
            v = v + grant * a
            redis.call('SET', KEYS[i], string.format('%d', v), 'PX', math.floor((v - now) / 1000) + 1)
            free = math.floor((now + b - v) / a)
          end
          reset = v - now
        else
          free = a - v
          reset = b - clock
          if reset < 0 then reset = 0 end
          if free < 1 then retry = reset + 1 end
          if grant > 0 then
            v = redis.call('INCRBY', KEYS[i], grant)
            redis.call('PEXPIRE', KEYS[i], math.floor(reset / 1000) + 86400000)
            free = a - v
          end
        end
        if free < 0 then free = 0 end
        out[#out + 1] = free
        out[#out + 1] = reset
        out[#out + 1] = retry
      end
      if cost then
        local covered = 0
        if cr >= cost then covered = 1 end
        if grant > 0 then
          cr = cr - grant * cost
          redis.call('HSET', KEYS[n + 1], 'g', string.format('%d', cg), 'r', string.format('%d', cr),
            'w', string.format('%d', cw))
        end
        out[#out + 1] = cr
        out[#out + 1] = covered
      end
      return out
      """;

  // Gives back calls an earlier take granted. KEYS and ARGV as for the take (want = the count to
  // give back). GCRA arrival times move back (never before now); a window's count drops (a later
  // window is another key, so nothing is given back across a boundary); credits return only to
  // the balance they were taken from (same generation and refill window).
  static final String RELEASE_SOURCE =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local count = tonumber(ARGV[1])
      local n = tonumber(ARGV[2])
      for i = 1, n do
        local a = tonumber(ARGV[3 + 3 * i])
        local v = tonumber(redis.call('GET', KEYS[i]) or '0')
        if ARGV[2 + 3 * i] == 'g' then
          if v > now then
            v = v - count * a
            if v <= now then
              redis.call('DEL', KEYS[i])
            else
              redis.call('SET', KEYS[i], string.format('%d', v), 'PX', math.floor((v - now) / 1000) + 1)
            end
          end
        elseif v > 0 then
          redis.call('DECRBY', KEYS[i], math.min(count, v))
        end
      end
      if ARGV[3] == '1' then
        local c = 5 + 3 * n
        local st = redis.call('HMGET', KEYS[n + 1], 'g', 'w')
        if st[1] == ARGV[c + 1] and st[2] == ARGV[c + 4] then
          redis.call('HINCRBY', KEYS[n + 1], 'r', count * tonumber(ARGV[c]))
        end
      end
      return 1
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
              store.evalLimitRelease(call.keys, call.args);
              return null;
            });
  }

  @Override
  public CompletableFuture<Long> balance(String keyId, Credits credits, Instant at) {
    return store
        .calls()
        .submit(
            () -> {
              List<String> st = store.hashFields(creditsKey(keyId), "g", "r", "w");
              return Balances.current(
                  credits,
                  credits.windowAt(at),
                  st.get(0) == null ? -1 : Long.parseLong(st.get(0)),
                  st.get(1) == null ? 0 : Long.parseLong(st.get(1)),
                  st.get(2) == null ? 0 : Long.parseLong(st.get(2)));
            });
  }

  private Grant acquireNow(Take take) {
    Script call = script(take, take.want());
    List<?> r = store.evalLimit(call.keys, call.args);
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
