package dev.keygate.bench;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CreateOutcome;
import dev.keygate.store.RedisKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes many keys straight into Redis with the server's own {@link RedisKeyStore} (same layout,
 * same create script), far faster than a million CreateKey calls. Needs the server's pepper.
 */
final class Seeder {
  /**
   * Keys per project: the default KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT, so the per-project index
   * sets are as large (and encoded as compactly) as they are in a default deployment.
   */
  private static final int KEYS_PER_PROJECT = 10;

  private static final int THREADS = 8;

  private Seeder() {}

  /** Creates {@code n} live keys with scope tasks:read and returns their secrets. */
  static String[] seed(String redisUrl, String namespace, byte[] pepper, int n) throws Exception {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    KeyHasher hasher = new KeyHasher(pepper);
    String[] secrets = new String[n];
    Instant now = Instant.now();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (RedisKeyStore store = RedisKeyStore.connect(redisUrl, Duration.ofSeconds(10), namespace)) {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < n; i += THREADS) {
                    String project = "bench" + (i / KEYS_PER_PROJECT);
                    // as the server draws them: the id carries its project's Cluster slot
                    String id = format.newKeyId(project);
                    String secret = format.newSecret(KeyKind.LIVE, id);
                    ApiKeyRecord key =
                        new ApiKeyRecord.Builder()
                            .id(id)
                            .project(project)
                            .name("bench " + i)
                            .scopes(List.of("tasks:read"))
                            .kind(KeyKind.LIVE)
                            .prefix(format.displayPrefix(KeyKind.LIVE, id))
                            .createdAt(now)
                            .updatedAt(now)
                            .digest(hasher.digest(secret))
                            .version(1)
                            .build();
                    CreateOutcome outcome = store.create(key, "", Integer.MAX_VALUE, now);
                    if (outcome.status() != CreateOutcome.Status.CREATED) {
                      throw new IllegalStateException("seeding failed: " + outcome.status());
                    }
                    secrets[i] = secret;
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return secrets;
  }

  /** Well-formed keys (valid checksum) whose ids exist nowhere: KEY_UNKNOWN. */
  static String[] unknown(int n) {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    String[] secrets = new String[n];
    for (int i = 0; i < n; i++) {
      secrets[i] = format.newSecret(KeyKind.LIVE, format.newKeyId());
    }
    return secrets;
  }

  static byte[] pepper(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
