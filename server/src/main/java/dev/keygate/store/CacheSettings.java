package dev.keygate.store;

import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * The verified-key cache in front of Redis ({@link CachingKeyStore}).
 *
 * @param maxKeys {@code KEYGATE_CACHE_MAX_KEYS}, verified key records cached in process (default
 *     100000; 0 = no cache)
 * @param maxStaleness {@code KEYGATE_CACHE_MAX_STALENESS}, safety-net lifetime of a cached record
 *     should an invalidation be lost (default 10s)
 * @param negativeTtl {@code KEYGATE_CACHE_NEGATIVE_TTL}, how long unknown key ids are remembered
 *     (default 1s; 0 = not at all)
 */
public record CacheSettings(int maxKeys, Duration maxStaleness, Duration negativeTtl) {

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static CacheSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new CacheSettings(
        r.integer("KEYGATE_CACHE_MAX_KEYS", 100_000, 0, 10_000_000),
        r.duration("KEYGATE_CACHE_MAX_STALENESS", "10s", Duration.ofMillis(1), Duration.ofHours(1)),
        r.duration("KEYGATE_CACHE_NEGATIVE_TTL", "1s", Duration.ZERO, Duration.ofMinutes(1)));
  }

  /** False when {@code KEYGATE_CACHE_MAX_KEYS} is 0. */
  public boolean enabled() {
    return maxKeys > 0;
  }

  /**
   * The cache's settings; only when {@link #enabled()}.
   *
   * @param staleMaxAge how long a record may answer while Redis cannot ({@link
   *     RedisSettings#staleAnswerMaxAge()})
   */
  CachingKeyStore.Settings forCache(Duration staleMaxAge) {
    return new CachingKeyStore.Settings(maxKeys, maxStaleness, negativeTtl, staleMaxAge);
  }

  @Override
  public String toString() {
    return !enabled()
        ? "off"
        : maxKeys
            + " keys, max staleness "
            + Durations.format(maxStaleness)
            + ", negative "
            + Durations.format(negativeTtl);
  }
}
