package dev.keygate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keygate.audit.AuditEvent;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.store.CreateOutcome;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.store.KeyPage;
import dev.keygate.store.KeyStore;
import dev.keygate.store.UsageDelta;
import dev.keygate.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * KeyService changes keys by read-modify-write with optimistic concurrency. Here a second writer
 * really changes the key in the store between every read and write of the service (a real in-memory
 * store, wrapped so the interleaving is certain rather than left to thread timing): the service
 * retries on a fresh read, and gives up with CONCURRENT_MODIFICATION (ABORTED) after its bounded
 * attempts, having written nothing of its own.
 */
class ConcurrentModificationTest {
  private final InMemoryKeyStore records = new InMemoryKeyStore();
  private final InterferingStore store = new InterferingStore(records);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
  private final KeyService keys =
      new KeyService(
          store,
          new KeyFormat("kg", new SecureRandom()),
          new KeyHasher("pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
          clock,
          KeyKind.LIVE,
          10);

  private String newKey() {
    return keys.create(
            Caller.ADMIN_TOKEN,
            new NewKey("acme", "k", "", Map.of(), List.of("tasks:read"), null, null, null, null))
        .key()
        .id();
  }

  private static KeyChanges description(String text) {
    return new KeyChanges(Set.of("description"), null, text, null, null, null, null);
  }

  @Test
  void update_otherWriterEveryTime_abortedWithNothingWritten() {
    String id = newKey();
    store.interfere(Integer.MAX_VALUE);

    KeygateException e =
        assertThrows(
            KeygateException.class, () -> keys.update(Caller.ADMIN_TOKEN, id, description("ours")));

    assertEquals(Reason.CONCURRENT_MODIFICATION, e.reason());
    store.interfere(0);
    ApiKeyRecord stored = records.find(id).orElseThrow();
    assertEquals("", stored.description(), "our change never landed");
    assertEquals(store.interferences(), stored.version() - 1, "every attempt met another write");
  }

  @Test
  void update_otherWriterTwice_retriedOnFreshReadAndBothChangesKept() {
    String id = newKey();
    store.interfere(2);

    ApiKeyRecord updated = keys.update(Caller.ADMIN_TOKEN, id, description("ours"));

    ApiKeyRecord stored = records.find(id).orElseThrow();
    assertEquals("ours", stored.description());
    assertEquals("k''", stored.name(), "the other writer's two changes were not overwritten");
    assertEquals(4, stored.version(), "created, two other writes, ours");
    assertEquals(stored.version(), updated.version());
  }

  /** A real store; while asked to, another writer renames the key right after each read of it. */
  private static final class InterferingStore implements KeyStore {
    private final InMemoryKeyStore delegate;
    private int remaining;
    private int done;

    InterferingStore(InMemoryKeyStore delegate) {
      this.delegate = delegate;
    }

    void interfere(int times) {
      remaining = times;
    }

    int interferences() {
      return done;
    }

    @Override
    public Optional<ApiKeyRecord> find(String id) {
      Optional<ApiKeyRecord> found = delegate.find(id);
      if (remaining > 0 && found.isPresent()) {
        remaining--;
        done++;
        ApiKeyRecord current = found.get();
        delegate.replace(
            current.toBuilder().name(current.name() + "'").version(current.version() + 1).build(),
            current.version());
      }
      return found;
    }

    @Override
    public CreateOutcome create(
        ApiKeyRecord key,
        String requestId,
        int maxActive,
        Instant now,
        Optional<AuditEvent> event) {
      return delegate.create(key, requestId, maxActive, now, event);
    }

    @Override
    public boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
      return delegate.replace(updated, expectedVersion, event);
    }

    @Override
    public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
      return delegate.list(project, pageToken, pageSize, includeRevoked);
    }

    @Override
    public void recordUsage(Collection<UsageDelta> deltas) {
      delegate.recordUsage(deltas);
    }

    @Override
    public boolean ping() {
      return delegate.ping();
    }

    @Override
    public String describe() {
      return "interfered " + delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
