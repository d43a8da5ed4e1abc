package dev.keygate.cli;

import dev.keygate.config.ConfigException;
import dev.keygate.store.RecordLayoutMigration;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.RedisSettings;
import dev.keygate.store.StoreUnavailableException;
import dev.keygate.store.Stores;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keygate keys migrate-layout}: rewrites the Redis records still in the layout before the
 * packed one (issue 17), with the server's own {@code KEYGATE_REDIS_*} settings from the
 * environment. It talks to Redis, not to a sidecar: old records work as they are and are packed by
 * their next update, so this only reclaims their memory sooner. Safe beside running sidecars (each
 * rewrite is a compare-and-set on the record's version) and to run again.
 */
@Command(
    name = "migrate-layout",
    description =
        "Rewrites Redis key records of the old layout in the packed one, on every master. Uses the"
            + " server's KEYGATE_REDIS_* environment. Safe beside running sidecars and to run"
            + " again.")
final class KeyMigrateLayout implements Callable<Integer> {
  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Keys per SCAN and pipeline, 1-1000 (default 200).")
  int batchSize = 200;

  private final CliContext context;

  KeyMigrateLayout(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (batchSize < 1 || batchSize > RecordLayoutMigration.MAX_BATCH) {
      throw new CliException(
          ExitCode.USAGE,
          "keys migrate-layout: --batch-size must be 1-" + RecordLayoutMigration.MAX_BATCH);
    }
    RedisSettings redis;
    try {
      redis = RedisSettings.fromEnv(context.env());
    } catch (ConfigException e) {
      // its messages name the setting, never a URL or password
      throw new CliException(ExitCode.USAGE, "keys migrate-layout: " + e.getMessage());
    }
    if (!redis.enabled()) {
      throw new CliException(
          ExitCode.USAGE, "keys migrate-layout: KEYGATE_REDIS_URL is not set: nothing to migrate");
    }
    RecordLayoutMigration.Result result;
    try (RedisKeyStore store = Stores.redis(redis)) {
      result = RecordLayoutMigration.of(store).run(batchSize);
    } catch (StoreUnavailableException e) {
      throw new CliException(
          ExitCode.UNAVAILABLE,
          "keys migrate-layout: " + e.getMessage() + "; what was done stays done, run it again");
    }
    context.out().println("keys migrate-layout: " + result.describe());
    // malformed records were left as they are: the operator has to look at them
    return result.count(RecordLayoutMigration.Outcome.MALFORMED) == 0
        ? ExitCode.OK.code()
        : ExitCode.FAILED.code();
  }
}
