package dev.keygate.events;

import dev.keygate.audit.RedisAuditLog;
import java.time.Duration;
import java.util.List;

/**
 * {@link DeliveryLease} in Redis: {@code <ns>:{webhook}:lease} holds the owner with a TTL (Redis's
 * clock: a dead sidecar's lease runs out on its own), {@code <ns>:{webhook}:cursor} the last event
 * id. One hash tag, so the fencing scripts work on a Cluster too.
 */
public final class RedisDeliveryLease implements DeliveryLease {
  private static final String HOLD =
      "local o = redis.call('GET', KEYS[1])\n"
          + "if o == false or o == ARGV[1] then\n"
          + "  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
          + "  return 1\n"
          + "end\n"
          + "return 0";
  private static final String ADVANCE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
          + "  redis.call('SET', KEYS[2], ARGV[2])\n"
          + "  return 1\n"
          + "end\n"
          + "return 0";
  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end\n" + "return 0";

  private final RedisAuditLog.Commands redis;
  private final String leaseKey;
  private final String cursorKey;

  public RedisDeliveryLease(RedisAuditLog.Commands redis, String namespace) {
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
                    j.eval(
                        HOLD, List.of(leaseKey), List.of(owner, Long.toString(ttl.toMillis())))));
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
            redis.run(j -> j.eval(ADVANCE, List.of(leaseKey, cursorKey), List.of(owner, eventId))));
  }

  @Override
  public void release(String owner) {
    redis.run(j -> j.eval(RELEASE, List.of(leaseKey), List.of(owner)));
  }
}
