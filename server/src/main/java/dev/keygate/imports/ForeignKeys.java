package dev.keygate.imports;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keygate.concurrent.Bounded;
import dev.keygate.imports.ImportIndex.DigestKind;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.ParsedKey;
import dev.keygate.store.Deadline;
import dev.keygate.store.KeyLookup;
import dev.keygate.store.KeyStore;
import dev.keygate.store.StoreUnavailableException;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision path's reader for imported keys in a foreign format (a foreign secret carries no key
 * id): wraps the usual reader and, for a presented key that starts with one of {@code
 * KEYGATE_IMPORT_KEY_PREFIXES}, finds its key through the {@link ImportIndex} by digest, keygate's
 * HMAC first, then the legacy SHA-256. A legacy match is upgraded on the spot, before the usual
 * checks run: the record's digest becomes the HMAC (compare-and-set on its version, so every
 * sidecar's cache is invalidated) and the SHA-256 entry is deleted. Keys in keygate's format never
 * come here.
 *
 * <p>Bounds: digest-to-id answers cached for {@value #MAX_RESOLVED} keys (a mapping never changes
 * once made); index reads on {@value #THREADS} threads with at most {@value #MAX_OUTSTANDING}
 * outstanding, beyond which a lookup fails at once with {@link StoreUnavailableException}; each
 * waits at most the store's read bound.
 */
public final class ForeignKeys implements KeyLookup {
  private static final Logger log = LoggerFactory.getLogger(ForeignKeys.class);

  /** Starts the lookup id of a foreign key: never a key id (those are base62). */
  static final char MARKER = '~';

  static final int THREADS = 2;
  static final int MAX_OUTSTANDING = 256;
  static final int MAX_RESOLVED = 100_000;
  private static final int MAX_ATTEMPTS = 5;

  private final KeyLookup inner;
  private final ImportIndex index;
  private final KeyStore store;
  private final KeyHasher hasher;
  private final ImportSettings settings;
  private final KeyKind environment;
  private final Clock clock;
  private final long maxWaitNanos;
  private final Cache<String, String> resolved =
      Caffeine.newBuilder().maximumSize(MAX_RESOLVED).executor(Runnable::run).build();
  private final Bulkhead outstanding = Bounded.bulkhead("foreign-keys", MAX_OUTSTANDING);
  private final ThreadPoolExecutor pool = Bounded.threads("keygate-foreign-keys-", THREADS);

  /**
   * @param inner the usual reader (the cache in front of the store)
   * @param store the authoritative store, for the upgrade's compare-and-set
   * @param maxWait longest an index read may take
   */
  public ForeignKeys(
      KeyLookup inner,
      ImportIndex index,
      KeyStore store,
      KeyHasher hasher,
      ImportSettings settings,
      KeyKind environment,
      Clock clock,
      Duration maxWait) {
    this.inner = inner;
    this.index = index;
    this.store = store;
    this.hasher = hasher;
    this.settings = settings;
    this.environment = environment;
    this.clock = clock;
    this.maxWaitNanos = maxWait.toNanos();
  }

  @Override
  public Optional<ParsedKey> foreign(String presented) {
    if (presented.length() > KeyFormat.MAX_KEY_LENGTH || settings.prefixOf(presented).isEmpty()) {
      return Optional.empty();
    }
    HexFormat hex = HexFormat.of();
    String lookupId =
        MARKER + hex.formatHex(hasher.digest(presented)) + ":" + hex.formatHex(sha256(presented));
    return Optional.of(new ParsedKey(presented, environment, lookupId));
  }

  @Override
  public CompletableFuture<Optional<ApiKeyRecord>> lookup(String id, Deadline deadline) {
    if (id.isEmpty() || id.charAt(0) != MARKER) {
      return inner.lookup(id, deadline);
    }
    int colon = id.indexOf(':');
    String hmacHex = id.substring(1, colon);
    String known = resolved.getIfPresent(hmacHex);
    if (known != null) {
      return inner.lookup(known, deadline);
    }
    HexFormat hex = HexFormat.of();
    byte[] hmac = hex.parseHex(hmacHex);
    byte[] sha = hex.parseHex(id.substring(colon + 1));
    return resolve(hmac, sha, deadline)
        .thenCompose(
            keyId -> {
              if (keyId.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              resolved.put(hmacHex, keyId.get());
              return inner.lookup(keyId.get(), deadline);
            });
  }

  /** The key id a foreign secret maps to, upgrading a legacy entry on the way. */
  private CompletableFuture<Optional<String>> resolve(byte[] hmac, byte[] sha, Deadline deadline) {
    if (!outstanding.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(
          StoreUnavailableException.refused(
              "too many foreign-key lookups outstanding (" + MAX_OUTSTANDING + ")"));
    }
    CompletableFuture<Optional<String>> answer = new CompletableFuture<>();
    try {
      pool.execute(
          () -> {
            try {
              answer.complete(resolveNow(hmac, sha));
            } catch (RuntimeException e) {
              answer.completeExceptionally(e);
            } finally {
              outstanding.onComplete();
            }
          });
    } catch (RejectedExecutionException e) {
      outstanding.onComplete();
      answer.completeExceptionally(new StoreUnavailableException("closed", e));
    }
    return answer.orTimeout(deadline.remainingNanos(maxWaitNanos), TimeUnit.NANOSECONDS);
  }

  private Optional<String> resolveNow(byte[] hmac, byte[] sha) {
    Optional<String> keyId = index.findDigest(DigestKind.HMAC, hmac);
    if (keyId.isPresent()) {
      return keyId;
    }
    Optional<String> legacy = index.findDigest(DigestKind.LEGACY_SHA256, sha);
    if (legacy.isEmpty() || !upgrade(legacy.get(), sha, hmac)) {
      return Optional.empty();
    }
    return legacy;
  }

  /**
   * Replaces a legacy key's SHA-256 digest with keygate's HMAC of the same secret: index entry
   * first (so the key is found either way meanwhile), then the record, then the old entry goes.
   *
   * @return false when the record does not hold this SHA-256 (not this secret's key)
   */
  private boolean upgrade(String keyId, byte[] sha, byte[] hmac) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ApiKeyRecord> found = store.find(keyId);
      if (found.isEmpty()) {
        return false;
      }
      ApiKeyRecord key = found.get();
      if (KeyHasher.matches(key.digest(), hmac)) {
        // upgraded meanwhile (another sidecar): only the old entry may be left
        index.releaseDigest(DigestKind.LEGACY_SHA256, sha, keyId);
        return true;
      }
      if (!KeyHasher.matches(key.digest(), sha)) {
        return false;
      }
      if (!index.claimDigest(DigestKind.HMAC, hmac, keyId).equals(keyId)) {
        log.warn("key {}: its secret's digest is claimed by another key; not upgraded", keyId);
        return false;
      }
      ApiKeyRecord upgraded =
          key.toBuilder()
              .digest(hmac)
              .updatedAt(clock.instant())
              .version(key.version() + 1)
              .build();
      if (store.replace(upgraded, key.version())) {
        index.releaseDigest(DigestKind.LEGACY_SHA256, sha, keyId);
        log.info("imported key {} upgraded from its legacy SHA-256 digest on first use", keyId);
        return true;
      }
    }
    return false;
  }

  /** Stops the index readers. */
  public void close() {
    pool.shutdown();
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
