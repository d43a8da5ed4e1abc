package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditSettings;
import dev.keygate.audit.InMemoryAuditLog;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyUsage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A key store in this process's memory: the embedded default when no Redis is configured. Its data
 * is gone when the process exits. One lock keeps every operation atomic, the audit events of key
 * changes included; it is meant for trying keygate out and for tests, not for load.
 */
public final class InMemoryKeyStore implements KeyStore {
  /** Where key changes append their events; {@link #auditLog(int)} sets its bound at startup. */
  private volatile InMemoryAuditLog trail = new InMemoryAuditLog(AuditSettings.DEFAULT_MAX_EVENTS);

  private long eventsWritten;

  private final Map<String, ApiKeyRecord> keys = new HashMap<>();

  /** project -> (position -> id), positions in creation order. */
  private final Map<String, NavigableMap<String, String>> projects = new HashMap<>();

  /** project + request id -> key id. Kept for the process lifetime (Redis keeps them 24 h). */
  private final Map<String, String> requests = new HashMap<>();

  /**
   * The audit log key changes append to, keeping {@code maxEvents} per trail: call once, at
   * startup, before any write.
   */
  public InMemoryAuditLog auditLog(int maxEvents) {
    InMemoryAuditLog log = new InMemoryAuditLog(maxEvents);
    trail = log;
    return log;
  }

  @Override
  public synchronized CreateOutcome create(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    String requestKey = key.project() + "\n" + requestId;
    boolean idempotent = requestId != null && !requestId.isEmpty();
    if (idempotent && requests.containsKey(requestKey)) {
      return CreateOutcome.duplicate(requests.get(requestKey));
    }
    long active =
        projectKeys(key.project()).values().stream()
            .map(keys::get)
            .filter(k -> k.isActiveAt(now))
            .count();
    if (active >= maxActiveKeys) {
      return CreateOutcome.projectFull(active);
    }
    if (keys.containsKey(key.id())) {
      return CreateOutcome.idTaken();
    }
    keys.put(key.id(), key.toBuilder().usage(KeyUsage.NONE).build());
    projectKeys(key.project()).put(PageTokens.position(key), key.id());
    if (idempotent) {
      requests.put(requestKey, key.id());
    }
    event.ifPresent(this::append);
    return CreateOutcome.created(key.id());
  }

  @Override
  public synchronized Optional<ApiKeyRecord> find(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  @Override
  public synchronized KeyPage list(
      String project, String pageToken, int pageSize, boolean includeRevoked) {
    String after = PageTokens.decode(pageToken);
    List<ApiKeyRecord> page = new ArrayList<>();
    String last = "";
    for (Map.Entry<String, String> e : projectKeys(project).tailMap(after, false).entrySet()) {
      if (page.size() == pageSize) {
        return new KeyPage(page, PageTokens.encode(last));
      }
      ApiKeyRecord key = keys.get(e.getValue());
      last = e.getKey();
      if (includeRevoked || !key.isRevoked()) {
        page.add(key);
      }
    }
    return new KeyPage(page, "");
  }

  @Override
  public synchronized java.util.OptionalLong reserveActive(
      String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
    // no active set to reserve in: the count is taken from the records, under the store's lock
    long active =
        projectKeys(project).values().stream()
            .filter(other -> !other.equals(id))
            .map(keys::get)
            .filter(k -> k.isActiveAt(now))
            .count();
    return active >= maxActiveKeys
        ? java.util.OptionalLong.of(active)
        : java.util.OptionalLong.empty();
  }

  @Override
  public synchronized boolean replace(
      ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
    ApiKeyRecord current = keys.get(updated.id());
    if (current == null) {
      throw new NoSuchElementException("no key " + updated.id());
    }
    if (current.version() != expectedVersion) {
      return false;
    }
    keys.put(updated.id(), updated.toBuilder().usage(current.usage()).build());
    event.ifPresent(this::append);
    return true;
  }

  private void append(AuditEvent event) {
    trail.append(event);
    eventsWritten++;
  }

  @Override
  public synchronized long changeEventsWritten() {
    return eventsWritten;
  }

  @Override
  public synchronized void recordUsage(Collection<UsageDelta> deltas) {
    for (UsageDelta d : deltas) {
      ApiKeyRecord key = keys.get(d.keyId());
      if (key == null) {
        continue;
      }
      KeyUsage u = key.usage();
      LocalDate day = LocalDate.ofInstant(d.lastUsedAt(), ZoneOffset.UTC);
      long dayCount = day.equals(u.day()) ? u.dayCount() + d.count() : d.count();
      Instant last =
          u.lastUsedAt() == null || d.lastUsedAt().isAfter(u.lastUsedAt())
              ? d.lastUsedAt()
              : u.lastUsedAt();
      keys.put(
          key.id(),
          key.toBuilder().usage(new KeyUsage(u.total() + d.count(), day, dayCount, last)).build());
    }
  }

  @Override
  public boolean ping() {
    return true;
  }

  @Override
  public String describe() {
    return "in-memory store (data lives in this process only and is lost on exit)";
  }

  @Override
  public void close() {}

  private NavigableMap<String, String> projectKeys(String project) {
    return projects.computeIfAbsent(project, p -> new TreeMap<>());
  }
}
