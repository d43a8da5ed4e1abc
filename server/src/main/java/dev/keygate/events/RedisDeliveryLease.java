package dev.keygate.events;

import dev.keygate.store.LuaScript;
import dev.keygate.store.RedisCommands;
import java.time.Duration;
import java.util.List;

/**
 * {@link DeliveryLease} in Redis: {@code <ns>:{webhook}:lease} holds the owner with a TTL (Redis's
 * clock: a dead sidecar's lease runs out on its own), {@code <ns>:{webhook}:cursor} the last event
 * id. One hash tag, so the fencing scripts work on a Cluster too.
 */
public final class RedisDeliveryLease implements DeliveryLease {
  private static final LuaScript HOLD = LuaScript.resource("lease_hold");
  private static final LuaScript ADVANCE = LuaScript.resource("lease_advance");
  private static final LuaScript RELEASE = LuaScript.resource("lease_release");

  private final RedisCommands redis;
  private final String leaseKey;
  private final String cursorKey;

  public RedisDeliveryLease(RedisCommands redis, String namespace) {
    this.redis = redis;
    this.leaseKey = namespace + ":{webhook}:lease";
    this.cursorKey = namespace + ":{webhook}:cursor";
  }

  @Override
  public boolean hold(String owner, Duration ttl) {
    return Long.valueOf(1)
        .equals(
            redis.run(
                j ->
                    HOLD.eval(
                        j, List.of(leaseKey), List.of(owner, Long.toString(ttl.toMillis())))));
  }

  @Override
  public void initCursor(String eventId) {
    redis.run(j -> j.setnx(cursorKey, eventId));
  }

  @Override
  public String cursor() {
    String c = redis.run(j -> j.get(cursorKey));
    return c == null ? "" : c;
  }

  @Override
  public boolean advance(String owner, String eventId) {
    return Long.valueOf(1)
        .equals(
            redis.run(j -> ADVANCE.eval(j, List.of(leaseKey, cursorKey), List.of(owner, eventId))));
  }

  @Override
  public void release(String owner) {
    redis.run(j -> RELEASE.eval(j, List.of(leaseKey), List.of(owner)));
  }
}
