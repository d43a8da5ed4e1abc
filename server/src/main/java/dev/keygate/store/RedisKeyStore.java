package dev.keygate.store;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditSettings;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.ratelimit.SharedLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link KeyStore} in Redis (standalone, behind Sentinel, or a Cluster), shared by every keygate
 * replica. It puts together the pieces that do the work:
 *
 * <ul>
 *   <li>{@link RedisClient}: the connection, per-call time budget and failure handling;
 *   <li>{@link RedisNamespace}: the key names;
 *   <li>{@link RedisRecordCodec}: a record as the fields of its HASH;
 *   <li>{@link RedisReads}, {@link RedisCreates}, {@link RedisUpdates}, {@link RedisUsage}: the
 *       operations, whose scripts are {@link LuaScript} resources under {@code redis/}.
 * </ul>
 *
 * <p>The layout (key names in {@link RedisNamespace}, documented in docs/redis.md) gives every
 * Redis key a hash tag, and a key's id carries its project's Cluster slot, so a key's record, its
 * project's indexes and audit trail share one slot: each change, with its audit event and its
 * invalidation, is one script ({@link RedisCreates}, {@link RedisUpdates}, {@link
 * RedisChangeTrail}) on a standalone server, behind Sentinel and on a Redis Cluster alike. Keys
 * whose ids do not carry the slot (older ids, imported ids) take two ordered steps on a Cluster.
 *
 * <p>Every Jedis failure (connection refused, timeout, pool exhausted, server error) surfaces as
 * {@link StoreUnavailableException}. No message built here contains credentials.
 */
public final class RedisKeyStore implements KeyStore {
  public static final String DEFAULT_NAMESPACE = RedisNamespace.DEFAULT;

  /** How long revoked keys are kept by default ({@code KEYGATE_REDIS_REVOKED_RETENTION}). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  private final RedisClient client;
  private final RedisNamespace names;
  private final RedisReads reads;
  private final RedisCreates creates;
  private final RedisUpdates updates;
  private final RedisActiveKeys active;
  private final RedisChangeTrail trail;
  private final RedisUsage usage;
  private final RedisCalls calls;
  private final BatchingKeyReader reader;

  private RedisKeyStore(
      RedisClient client,
      RedisNamespace names,
      BatchingKeyReader.Settings readSettings,
      ReplicaAcks acks,
      Duration revokedRetention) {
    this.client = client;
    this.names = names;
    AcknowledgedWrites writes = new AcknowledgedWrites(client, acks);
    this.reads = new RedisReads(client, names);
    RedisPurge purge = new RedisPurge(client, names, revokedRetention);
    this.trail =
        new RedisChangeTrail(
            client, Stores.auditLog(client, names.prefix(), AuditSettings.DEFAULT_MAX_EVENTS));
    this.active = new RedisActiveKeys(client, names, reads);
    this.creates = new RedisCreates(client, names, active, writes, purge, trail);
    this.updates = new RedisUpdates(client, names, writes, purge, trail);
    this.usage = new RedisUsage(client, names);
    this.calls = new RedisCalls("redis-limits", client.circuit());
    this.reader = new BatchingKeyReader(this, readSettings, client.circuit());
  }

  /**
   * Connects to the Redis the URL names (see {@link RedisEndpoint} for the standalone, Sentinel and
   * Cluster forms).
   *
   * @param timeout connect and socket timeout, also the longest wait for a pooled connection
   * @param namespace key prefix, null or empty for {@value #DEFAULT_NAMESPACE}
   * @throws IllegalArgumentException if the URL is malformed (the message never echoes it, since it
   *     may hold a password)
   */
  public static RedisKeyStore connect(String redisUrl, Duration timeout, String namespace) {
    return connect(RedisEndpoint.parse(redisUrl), timeout, namespace);
  }

  /**
   * Connects to a standalone server, a Sentinel-managed master or a Cluster. For a standalone
   * server no I/O happens here: connections are opened on first use, so a Redis that is down at
   * startup shows up as {@link #ping()} false rather than as a failed start. Sentinel and Cluster
   * need their topology first: when no sentinel or seed answers this throws {@link
   * StoreUnavailableException}.
   */
  public static RedisKeyStore connect(RedisEndpoint endpoint, Duration timeout, String namespace) {
    return connect(endpoint, timeout, namespace, RedisBounds.defaults());
  }

  /**
   * As {@link #connect(RedisEndpoint, Duration, String)}.
   *
   * @param bounds the circuit breaker's and the key reader's bounds
   */
  public static RedisKeyStore connect(
      RedisEndpoint endpoint, Duration timeout, String namespace, RedisBounds bounds) {
    return connect(endpoint, timeout, namespace, bounds, ReplicaAcks.NONE, DEFAULT_RETENTION);
  }

  /**
   * As {@link #connect(RedisEndpoint, Duration, String, RedisBounds)}.
   *
   * @param acks how many replicas must acknowledge an admin write before it is answered
   * @param revokedRetention how long a revoked key is kept before it is purged
   */
  public static RedisKeyStore connect(
      RedisEndpoint endpoint,
      Duration timeout,
      String namespace,
      RedisBounds bounds,
      ReplicaAcks acks,
      Duration revokedRetention) {
    // checked before any connection is made
    RedisNamespace names = RedisNamespace.of(namespace);
    RedisCircuit circuit = new RedisCircuit("redis", bounds.breakerOpen());
    RedisClient client = RedisClient.connect(endpoint, timeout, bounds.poolSize(), circuit);
    return new RedisKeyStore(client, names, bounds.readerSettings(timeout), acks, revokedRetention);
  }

  /**
   * The pub/sub channel on which every create, update, rotate and revoke publishes the key's id
   * (from inside the write's script), so caches of all instances sharing this Redis and namespace
   * drop it at once.
   */
  public String invalidationChannel() {
    return names.invalidationChannel();
  }

  /**
   * Starts listening on {@link #invalidationChannel()} for {@code cache} on a connection of this
   * store's pool (same address, credentials, TLS and database). The cache closes the listener when
   * it is closed itself.
   */
  public RedisInvalidationListener listenForInvalidations(CachingKeyStore cache) {
    // one subscription per node a write publishes on first (the master, every Cluster master):
    // messages that reach a node only by replication or the cluster bus can lag or be lost
    return RedisInvalidationListener.start(
        client.subscriptionNodes(), invalidationChannel(), cache);
  }

  /** The key names of this store's namespace. */
  RedisNamespace names() {
    return names;
  }

  String namespace() {
    return names.prefix();
  }

  /** The client every call of this store goes through. */
  RedisClient client() {
    return client;
  }

  /** Rate limits counted in this Redis; built by {@link Stores#sharedLimiter}. */
  public SharedLimiter sharedLimiter() {
    return Stores.sharedLimiter(this);
  }

  /**
   * The audit trails of this store's namespace, keeping {@code maxEvents} per trail; built by
   * {@link Stores#auditLog}. Key changes append their events to it in their own scripts, so call
   * this once, at startup, before any write (until then they go to a log with the default bound).
   */
  public RedisAuditLog auditLog(int maxEvents) {
    RedisAuditLog log = Stores.auditLog(client, names.prefix(), maxEvents);
    trail.use(log);
    return log;
  }

  /**
   * Key reads for the decision path: batched, pipelined, bounded (see {@link BatchingKeyReader}).
   */
  @Override
  public BatchingKeyReader reader() {
    return reader;
  }

  /** Shared-limit calls refused because their bulkhead was full (a metric). */
  public long limitCallsRejected() {
    return calls.rejectedFull();
  }

  /** The pool for Redis calls of the decision path other than key reads (shared limits). */
  RedisCalls calls() {
    return calls;
  }

  /** The circuit breaker around every call of this store (metrics, health, readers). */
  public RedisCircuit circuit() {
    return client.circuit();
  }

  @Override
  public long changeEventsWritten() {
    return trail.written();
  }

  /** Redis failures seen by key-store calls since start (a metric). */
  public long errors() {
    return client.errors();
  }

  // ---------------------------------------------------------------- creates (RedisCreates)

  @Override
  public CreateOutcome create(
      ApiKeyRecord key,
      String requestId,
      int maxActiveKeys,
      Instant now,
      Optional<AuditEvent> event) {
    return creates.create(key, requestId, maxActiveKeys, now, event);
  }

  /** The create operations (tests drive the two-step path's steps one by one). */
  RedisCreates creates() {
    return creates;
  }

  /** The projects' active-key sets. */
  RedisActiveKeys activeKeys() {
    return active;
  }

  @Override
  public OptionalLong reserveActive(
      String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
    return active.reserve(project, id, expiresAt, maxActiveKeys, now);
  }

  // ---------------------------------------------------------------- reads and updates

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    return reads.find(id);
  }

  @Override
  public Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    return reads.findAll(ids);
  }

  @Override
  public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    return reads.list(project, pageToken, pageSize, includeRevoked);
  }

  @Override
  public boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
    return updates.replace(updated, expectedVersion, event);
  }

  @Override
  public void confirmDurable(String id) {
    updates.confirmDurable(id);
  }

  @Override
  public void recordUsage(Collection<UsageDelta> deltas) {
    usage.record(deltas);
  }

  /**
   * Pings Redis itself, past an open circuit breaker: the health monitor (once a second) must see
   * Redis, not the breaker. A ping that succeeds while the breaker is open lets it probe at once.
   */
  @Override
  public boolean ping() {
    return client.ping();
  }

  @Override
  public String describe() {
    return client.describe();
  }

  @Override
  public void close() {
    reader.close();
    calls.close();
    client.close();
  }
}
