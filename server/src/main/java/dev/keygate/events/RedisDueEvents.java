package dev.keygate.events;

import dev.keygate.store.LuaScript;
import dev.keygate.store.RedisCommands;
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
  private static final LuaScript CLAIM = LuaScript.resource("claim_due");

  private final RedisCommands redis;
  private final String dueKey;
  private final String claimedKey;

  public RedisDueEvents(RedisCommands redis, String namespace) {
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
                CLAIM.eval(
                    j,
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
