package dev.keygate.leak;

import dev.keygate.store.RedisCommands;
import redis.clients.jedis.params.SetParams;

/**
 * {@link SeenReports} shared by every sidecar of a Redis namespace, so a report replayed to another
 * sidecar is refused too: {@code <ns>:leak:seen:{<sha256 hex>}}, a STRING set with {@code SET NX
 * PX} that Redis expires after {@link #REMEMBERED} (bounded by that window: GitHub sends a handful
 * of reports a day). One key per command, so it works on a Cluster alike.
 */
public final class RedisSeenReports implements SeenReports {
  private final RedisCommands commands;
  private final String namespace;

  public RedisSeenReports(RedisCommands commands, String namespace) {
    this.commands = commands;
    this.namespace = namespace;
  }

  @Override
  public boolean firstTime(String fingerprint) {
    String key = key(fingerprint);
    return "OK"
        .equals(
            commands.run(
                r -> r.set(key, "1", SetParams.setParams().nx().px(REMEMBERED.toMillis()))));
  }

  @Override
  public void forget(String fingerprint) {
    String key = key(fingerprint);
    commands.run(r -> r.del(key));
  }

  private String key(String fingerprint) {
    return namespace + ":leak:seen:{" + fingerprint + "}";
  }
}
