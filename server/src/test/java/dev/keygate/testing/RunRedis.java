package dev.keygate.testing;

import dev.keygate.testing.RedisServerExtension.SharedRedis;

/**
 * The run's Redis ({@link SharedRedis}, as {@link RedisServerExtension} provides it) for fixtures
 * that are not JUnit parameters (see {@link InProcessKeygate}): started on first use, stopped when
 * the JVM exits. {@code KEYGATE_TEST_REDIS_URL} names a Redis of one's own instead.
 */
final class RunRedis {
  private RunRedis() {}

  private static final class Holder {
    static final SharedRedis REDIS = start();

    private static SharedRedis start() {
      SharedRedis redis = SharedRedis.create();
      Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "run-redis-stop"));
      return redis;
    }
  }

  /** The run's Redis. */
  static TestRedis get() {
    return Holder.REDIS;
  }
}
