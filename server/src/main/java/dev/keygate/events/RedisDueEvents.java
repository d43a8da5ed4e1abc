package dev.keygate.events;

import dev.keygate.audit.RedisAuditLog;
import java.time.Instant;
import java.util.List;

/**
 * {@link DueEvents} as two sorted sets scored by epoch millis, {@code <ns>:{lifecycle}:due} and
 * {@code <ns>:{lifecycle}:claimed} (one hash tag, so the claiming script works on a Cluster too).
 * Claiming is one Lua script: expired claims first, then due members, moved to the claimed set with
 * the new lease as their score. Times come from the sidecars' clocks (the injected {@link
 * java.time.Clock}), not Redis's.
 */
public final class RedisDueEvents implements DueEvents {
  private static final String CLAIM =
      "local out = {}\n"
          + "local n = tonumber(ARGV[3])\n"
          + "for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1],"
          + " 'LIMIT', 0, n)) do\n"
          + "  redis.call('ZADD', KEYS[2], ARGV[2], m)\n"
          + "  out[#out + 1] = m\n"
          + "end\n"
          + "if #out < n then\n"
          + "  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1],"
          + " 'LIMIT', 0, n - #out)) do\n"
          + "    redis.call('ZREM', KEYS[1], m)\n"
          + "    redis.call('ZADD', KEYS[2], ARGV[2], m)\n"
          + "    out[#out + 1] = m\n"
          + "  end\n"
          + "end\n"
          + "return out";

  private final RedisAuditLog.Commands redis;
  private final String dueKey;
  private final String claimedKey;

  public RedisDueEvents(RedisAuditLog.Commands redis, String namespace) {
    this.redis = redis;
    this.dueKey = namespace + ":{lifecycle}:due";
    this.claimedKey = namespace + ":{lifecycle}:claimed";
  }

  @Override
  public void schedule(String member, Instant due) {
    redis.run(j -> j.zadd(dueKey, due.toEpochMilli(), member));
  }

  @Override
  public List<String> claim(Instant now, Instant leaseUntil, int max) {
    Object out =
        redis.run(
            j ->
                j.eval(
                    CLAIM,
                    List.of(dueKey, claimedKey),
                    List.of(
                        Long.toString(now.toEpochMilli()),
                        Long.toString(leaseUntil.toEpochMilli()),
                        Integer.toString(max))));
    return ((List<?>) out).stream().map(Object::toString).toList();
  }

  @Override
  public void done(String member) {
    redis.run(j -> j.zrem(claimedKey, member));
  }

  @Override
  public long pending() {
    return redis.run(j -> j.zcard(dueKey));
  }
}
