package dev.keygate.store;

import static dev.keygate.store.KeyStoreContract.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.testing.RedisSentinelSetup;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sentinels that require an ACL user and password ({@code KEYGATE_REDIS_SENTINEL_USERNAME} / {@code
 * _PASSWORD}): with them the store finds the master; without them it fails to start, and the
 * failure names neither password.
 */
class SentinelCredentialsTest {
  @Test
  void connect_sentinelsWithPassword_needTheSentinelCredentials() {
    String password = "s3ntinel-" + Long.toString(new SecureRandom().nextLong() >>> 1, 36);
    try (RedisSentinelSetup sentinel = RedisSentinelSetup.startWithSentinelPassword(password)) {
      RedisSettings with =
          RedisSettings.fromEnv(
              Map.of(
                  "KEYGATE_REDIS_URL",
                  sentinel.url(),
                  "KEYGATE_REDIS_SENTINEL_USERNAME",
                  RedisSentinelSetup.SENTINEL_USER,
                  "KEYGATE_REDIS_SENTINEL_PASSWORD",
                  password));
      assertFalse(with.toString().contains(password), with.toString());
      try (RedisKeyStore store =
          RedisKeyStore.connect(with.endpoint(), Duration.ofSeconds(2), "kgsent")) {
        ApiKeyRecord key = KeyStoreContract.key("sentcred0001", "proj", T0);
        assertEquals(CreateOutcome.Status.CREATED, store.create(key, "", 10, T0).status());
        assertTrue(store.find(key.id()).isPresent());
      }

      RedisSettings without = RedisSettings.fromEnv(Map.of("KEYGATE_REDIS_URL", sentinel.url()));
      StoreUnavailableException e =
          assertThrows(
              StoreUnavailableException.class,
              () ->
                  RedisKeyStore.connect(without.endpoint(), Duration.ofSeconds(2), "kgsent")
                      .close());
      assertFalse(String.valueOf(e.getMessage()).contains(password), e.getMessage());
    }
  }
}
