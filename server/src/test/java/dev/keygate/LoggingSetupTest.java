package dev.keygate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.AsyncCache;
import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;

/**
 * Libraries that log through {@link System.Logger} go through slf4j and its configured levels: a
 * Redis outage must not print one Caffeine stack trace per cache miss.
 */
class LoggingSetupTest {
  @Test
  void caffeineLoadFailures_notLoggedAsWarnings() {
    System.Logger caffeine =
        System.getLogger(AsyncCache.class.getPackageName() + ".LocalAsyncCache");
    assertFalse(caffeine.isLoggable(Level.WARNING), "Caffeine's per-load warning is silenced");
    assertTrue(caffeine.isLoggable(Level.ERROR), "Caffeine's errors still show");
  }

  @Test
  void systemLoggers_followKeygateDefaultLevel() {
    System.Logger other = System.getLogger("dev.keygate.some.Component");
    assertTrue(other.isLoggable(Level.INFO));
    assertFalse(other.isLoggable(Level.DEBUG));
  }
}
