package dev.keygate.store;

import dev.keygate.access.IpAllowlist;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.KeyUsage;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.ratelimit.SharedLimiter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * A {@link KeyStore} in Redis (standalone, behind Sentinel, or a Cluster), shared by every keygate
 * replica.
 *
 * <p>Layout, for namespace {@code ns} (default {@value #DEFAULT_NAMESPACE}):
 *
 * <ul>
 *   <li>{@code ns:key:{<id>}}: HASH, one API key. Short field names keep memory low: {@code p}
 *       project, {@code n} name, {@code d} description, {@code m} metadata (URL-encoded {@code
 *       k=v&k2=v2}, sorted by key), {@code s} scopes (space-separated), {@code k} kind, {@code px}
 *       display prefix, {@code c}/{@code u}/{@code e}/{@code r}/{@code ro}/{@code pe}
 *       created/updated/expires/revoked/rotated/previous-secret-expiry epoch millis ("" = none),
 *       {@code rr} revoke reason, {@code h}/{@code ph} current/previous digest (base64url, no
 *       padding), {@code rl} rate limit ({@link RateLimitSpec#encode()}, "" = none), {@code lm}
 *       further limits ({@link KeyLimit#encodeAll}: {@code g100/60000,l20/1000}, scope letter d/l/g
 *       for default/local/global; "" or absent = none), {@code ver} version, {@code da}/{@code dr}
 *       disabled epoch millis and reason ("" or absent = enabled), {@code ip} IP allowlist
 *       (space-separated CIDRs, "" or absent = none), {@code cr} credits as last set ({@link
 *       Credits#encode()}, "" or absent = unmetered); and, written only by {@link #recordUsage},
 *       {@code ut} total, {@code ud} UTC epoch day, {@code un} count on that day, {@code lu} last
 *       use millis.
 *   <li>{@code ns:proj:{<project>}:keys}: ZSET of {@link PageTokens#position positions}, all with
 *       score 0 so that ZRANGEBYLEX walks them in creation order.
 *   <li>{@code ns:proj:{<project>}:active}: ZSET id → expiry millis ({@code +inf} = never) of the
 *       keys that are not revoked; the active count is the members scored above now.
 *   <li>{@code ns:proj:{<project>}:req:<request id>}: STRING key id, 24 h, for idempotent create.
 *   <li>{@code ns:proj:{<project>}:pending}: HASH id → {@code <reserved ms> <position> <request
 *       id>}: creates whose record write has not been confirmed yet (normally empty).
 * </ul>
 *
 * <p>The hash tags ({@code {...}}) put each key record in one Cluster slot and a project's indexes
 * in the project's slot, and no script or command touches two slots, so the same code runs on a
 * standalone server, behind Sentinel and on a Redis Cluster ({@link RedisEndpoint}).
 *
 * <p>Because of that, create and replace are two ordered steps rather than one atomic script:
 *
 * <ul>
 *   <li>create first <em>reserves</em> in the project's slot (request id, active-key count, index
 *       entry and a {@code pending} entry, one script), then writes the record in the key's slot
 *       (one script, which also publishes the invalidation), then drops the pending entry. If the
 *       id turns out to be taken the reservation is released. A crash between the steps leaves a
 *       pending entry: every later create of the project first <em>repairs</em> pending entries
 *       older than {@link #repairAfter()}: confirmed if the record exists, released (index, active
 *       set and request id) if not. Until then the reservation counts as an active key and an
 *       idempotent retry with the same request id gets DUPLICATE for an id with no record.
 *   <li>replace writes the record (compare-and-set on the version, and the invalidation) in the
 *       key's slot, then sets the key's score in the project's active set. A crash between the
 *       steps leaves the active set stale for that key; a create that finds the project full
 *       reconciles the active set with the records before it answers FULL.
 * </ul>
 *
 * <p>The record itself is always written by one script, so a reader never sees half a key, and the
 * invalidation is published by the same script.
 *
 * <p>Every Jedis failure (connection refused, timeout, pool exhausted, server error) surfaces as
 * {@link StoreUnavailableException}. No message built here contains credentials.
 */
public final class RedisKeyStore implements KeyStore {
  public static final String DEFAULT_NAMESPACE = "kg";

  /** How long a create request id stays reserved, in seconds. */
  static final long REQUEST_ID_TTL_SECONDS = 86_400;

  // 16 for calls plus the one the invalidation listener holds while subscribed
  private static final int POOL_SIZE = 17;

  /** Upper bound on index members fetched per round trip when listing. */
  private static final int MAX_LIST_BATCH = 500;

  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  // Step 1 of create, in the project's slot: the checks and the reservation are one atomic step.
  // KEYS: project index, project active set, request id key, pending hash.
  // ARGV: idempotent flag, max active, now ms, position, id, active score ("" = revoked),
  //       request TTL seconds, pending value.
  private static final Script RESERVE =
      new Script(
          """
      if ARGV[1] == '1' then
        local existing = redis.call('GET', KEYS[3])
        if existing then return {'DUPLICATE', existing} end
      end
      -- an id already active in this project is taken; checked before anything is touched
      if redis.call('ZSCORE', KEYS[2], ARGV[5]) or redis.call('HEXISTS', KEYS[4], ARGV[5]) == 1 then
        return {'TAKEN'}
      end
      -- expired keys never become active again unless replace re-adds them: drop them here so
      -- the active set stays bounded by the project's live keys
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
      local active = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf')
      if active >= tonumber(ARGV[2]) then return {'FULL', active} end
      redis.call('ZADD', KEYS[1], 0, ARGV[4])
      if ARGV[6] ~= '' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5]) end
      if ARGV[1] == '1' then redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[7]) end
      redis.call('HSET', KEYS[4], ARGV[5], ARGV[8])
      return {'RESERVED'}
      """);

  // Step 2 of create, in the key's slot. The PUBLISH is part of the script so the write and its
  // invalidation are one atomic step: no crash between them can leave another instance's cache
  // (or negative cache) stale. KEYS: record. ARGV: channel, id, then field/value pairs.
  private static final Script WRITE_NEW =
      new Script(
          """
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      redis.call('HSET', KEYS[1], unpack(ARGV, 3))
      redis.call('PUBLISH', ARGV[1], ARGV[2])
      return 1
      """);

  // Undoes a reservation, only if it is still the pending one given (compare-and-delete).
  // KEYS: project index, project active set, request id key (may be a dummy), pending hash.
  // ARGV: id, position, expected pending value.
  private static final Script RELEASE =
      new Script(
          """
      if redis.call('HGET', KEYS[4], ARGV[1]) ~= ARGV[3] then return 0 end
      redis.call('HDEL', KEYS[4], ARGV[1])
      redis.call('ZREM', KEYS[1], ARGV[2])
      redis.call('ZREM', KEYS[2], ARGV[1])
      if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
      return 1
      """);

  // Compare-and-set on ver, in the key's slot. Usage fields (ut/ud/un/lu) are never in the pair
  // list, so flushed counts survive every update.
  // KEYS: record. ARGV: expected version, id, invalidation channel, then field/value pairs.
  // Publishes like WRITE_NEW.
  private static final Script REPLACE =
      new Script(
          """
      if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
      if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return 0 end
      redis.call('HSET', KEYS[1], unpack(ARGV, 4))
      redis.call('PUBLISH', ARGV[3], ARGV[2])
      return 1
      """);

  // Counts a revived key toward the project's maximum, in the project's slot, like RESERVE.
  // KEYS: project active set. ARGV: now ms, id, max active, active score.
  private static final Script REVIVE =
      new Script(
          """
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
      if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
      local active = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
      if active >= tonumber(ARGV[3]) then return active end
      redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
      return -1
      """);

  private static final Script LIMIT = new Script(RedisGcraLimiter.SOURCE);
  private static final Script LIMIT_RELEASE = new Script(RedisGcraLimiter.RELEASE_SOURCE);

  // Never creates the hash: a delta for a deleted key must not resurrect a usage-only record.
  // KEYS: record. ARGV: count, UTC epoch day, last use ms.
  private static final Script USAGE =
      new Script(
          """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HINCRBY', KEYS[1], 'ut', ARGV[1])
      if redis.call('HGET', KEYS[1], 'ud') == ARGV[2] then
        redis.call('HINCRBY', KEYS[1], 'un', ARGV[1])
      else
        redis.call('HSET', KEYS[1], 'ud', ARGV[2], 'un', ARGV[1])
      end
      local last = tonumber(redis.call('HGET', KEYS[1], 'lu') or '')
      if last == nil or tonumber(ARGV[3]) > last then
        redis.call('HSET', KEYS[1], 'lu', ARGV[3])
      end
      return 1
      """);

  private final UnifiedJedis redis;
  private final Supplier<Connection> subscriberConnections;
  private final String namespace;
  private final String description;
  private final Duration repairAfter;
  private final CallBudget budget;

  /** Drops the idle pooled connections after a connection failure; a no-op for a Cluster. */
  private final Runnable dropIdleConnections;

  private final LongAdder errors = new LongAdder();
  private final RedisCircuit circuit;
  private final RedisCalls calls;
  private final BatchingKeyReader reader;
  private volatile boolean closed;

  private RedisKeyStore(
      UnifiedJedis redis,
      Supplier<Connection> subscriberConnections,
      String namespace,
      String description,
      Duration timeout,
      CallBudget budget,
      Runnable dropIdleConnections,
      RedisCircuit circuit,
      BatchingKeyReader.Settings reads) {
    String ns = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    if (!NAMESPACE.matcher(ns).matches()) {
      // braces would break the hash tags, spaces and other oddities make keys hard to inspect
      throw new IllegalArgumentException("namespace must match " + NAMESPACE.pattern());
    }
    this.redis = redis;
    this.subscriberConnections = subscriberConnections;
    this.namespace = ns;
    this.description = description;
    this.budget = budget;
    this.dropIdleConnections = dropIdleConnections;
    this.circuit = circuit;
    this.calls = new RedisCalls("redis-limits", circuit);
    this.reader = new BatchingKeyReader(this, reads, circuit);
    // longer than any create can take between its steps (every attempt timing out), so a repair
    // never releases a reservation whose record write is still on its way
    this.repairAfter = Duration.ofSeconds(30).plus(timeout.multipliedBy(4));
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
    RedisCircuit circuit = new RedisCircuit("redis", bounds.breakerOpen());
    BatchingKeyReader.Settings reads = bounds.readerSettings(timeout);
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .ssl(endpoint.tls())
            .clientName("keygate")
            // RESP2 without a HELLO round trip: works on every Redis version and the store needs
            // nothing from RESP3 (Jedis also warns on every connection otherwise)
            .autoNegotiateProtocol(false)
            // no CLIENT SETINFO round trips on connect: every round trip there is one more timeout
            // a new connection can spend against an unresponsive Redis
            .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    if (endpoint.mode() != RedisEndpoint.Mode.CLUSTER) {
      client.database(endpoint.database());
    }
    if (endpoint.password() != null) {
      client.user(endpoint.user()).password(endpoint.password());
    }
    JedisClientConfig config = client.build();
    ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
    poolConfig.setMaxTotal(POOL_SIZE);
    poolConfig.setMaxIdle(POOL_SIZE);
    poolConfig.setMinIdle(0);
    // the default is to wait forever for a free connection; a saturated pool must fail like an
    // unreachable Redis instead of hanging the caller
    poolConfig.setMaxWait(Duration.ofMillis(millis));
    String description = endpoint.describe();
    CallBudget budget = new CallBudget(timeout);
    try {
      return switch (endpoint.mode()) {
        case STANDALONE -> {
          CallBudget.Standalone provider =
              budget.new Standalone(endpoint.nodes().get(0), config, poolConfig);
          yield new RedisKeyStore(
              new UnifiedJedis(provider, 1, timeout),
              provider::getConnection,
              namespace,
              description,
              timeout,
              budget,
              () -> clear(provider.getPool()),
              circuit,
              reads);
        }
        case SENTINEL -> {
          JedisClientConfig sentinelConfig =
              DefaultJedisClientConfig.builder()
                  .connectionTimeoutMillis(millis)
                  .socketTimeoutMillis(millis)
                  .ssl(endpoint.tls())
                  .clientName("keygate")
                  .autoNegotiateProtocol(false)
                  .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                  .build();
          CallBudget.Sentinel provider =
              budget
              .new Sentinel(
                  endpoint.masterName(),
                  config,
                  poolConfig,
                  new HashSet<>(endpoint.nodes()),
                  sentinelConfig);
          // a second attempt lands on the new master once the sentinels announced it
          yield new RedisKeyStore(
              new UnifiedJedis(provider, 2, timeout.multipliedBy(2)),
              provider::getConnection,
              namespace,
              description,
              timeout,
              budget,
              () -> provider.getConnectionMap().values().forEach(RedisKeyStore::clear),
              circuit,
              reads);
        }
        case CLUSTER -> {
          CallBudget.Cluster provider =
              budget.new Cluster(new HashSet<>(endpoint.nodes()), config, poolConfig);
          // attempts also follow MOVED/ASK redirections after a failover or resharding; idle
          // connections are kept: one node failing says nothing about the others, and the
          // client re-reads the slot map itself after a connection failure
          yield new RedisKeyStore(
              new JedisCluster(provider, 3, timeout.multipliedBy(3)),
              provider::getConnection,
              namespace,
              description,
              timeout,
              budget,
              () -> {},
              circuit,
              reads);
        }
      };
    } catch (JedisException e) {
      throw new StoreUnavailableException(
          description + " unavailable: " + e.getClass().getSimpleName(), e);
    }
  }

  // ---------------------------------------------------------------- key names

  String recordKey(String id) {
    return namespace + ":key:{" + id + "}";
  }

  String projectKeysKey(String project) {
    return namespace + ":proj:{" + project + "}:keys";
  }

  String projectActiveKey(String project) {
    return namespace + ":proj:{" + project + "}:active";
  }

  String requestKey(String project, String requestId) {
    return namespace + ":proj:{" + project + "}:req:" + requestId;
  }

  /**
   * The pub/sub channel on which every create, update, rotate and revoke publishes the key's id
   * (from inside the write's script), so caches of all instances sharing this Redis and namespace
   * drop it at once.
   */
  public String invalidationChannel() {
    return namespace + ":invalidate";
  }

  /**
   * Starts listening on {@link #invalidationChannel()} for {@code cache} on a connection of this
   * store's pool (same address, credentials, TLS and database). The cache closes the listener when
   * it is closed itself.
   */
  public RedisInvalidationListener listenForInvalidations(CachingKeyStore cache) {
    // plain PUBLISH reaches every node of a Cluster, so any node will do; behind Sentinel the
    // provider hands out the current master, and the listener reconnects after a failover
    return RedisInvalidationListener.start(subscriberConnections, invalidationChannel(), cache);
  }

  String projectPendingKey(String project) {
    return namespace + ":proj:{" + project + "}:pending";
  }

  String namespace() {
    return namespace;
  }

  /**
   * Rate limits counted in this Redis, shared by every sidecar using it; each limit lives in its
   * key's slot.
   */
  public SharedLimiter sharedLimiter() {
    return new RedisGcraLimiter(this);
  }

  /** Runs the GCRA script; every key must share one hash tag (one Cluster slot). */
  List<?> evalLimit(List<String> stateKeys, List<String> args) {
    return (List<?>) withRedis(r -> LIMIT.eval(r, stateKeys, args));
  }

  /** Fields of one hash, null for those absent. */
  List<String> hashFields(String key, String... fields) {
    return withRedis(r -> r.hmget(key, fields));
  }

  /** Runs the script giving back what {@link #evalLimit} took; the same keys and arguments. */
  void evalLimitRelease(List<String> stateKeys, List<String> args) {
    withRedis(r -> LIMIT_RELEASE.eval(r, stateKeys, args));
  }

  /**
   * The audit trails of this store's namespace, as Redis Streams on this store's client (so the
   * same deployment, credentials, TLS, database and per-call time budget); the store's close closes
   * the client. Project streams are hash-tagged to the project's slot, the global stream {@code
   * <ns>:events} is a key of its own, and every command touches one stream, so the log works on a
   * Cluster too.
   */
  public RedisAuditLog auditLog(int maxEvents) {
    return new RedisAuditLog(
        new RedisAuditLog.Commands() {
          @Override
          public <T> T run(Function<UnifiedJedis, T> call) {
            return execute(call, "redis audit log", null);
          }
        },
        namespace,
        maxEvents);
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
    return circuit;
  }

  /** Redis failures seen by key-store calls since start (a metric). */
  public long errors() {
    return errors.sum();
  }

  /** How old a pending reservation must be before a create repairs it. */
  Duration repairAfter() {
    return repairAfter;
  }

  // ---------------------------------------------------------------- KeyStore

  @Override
  public CreateOutcome create(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    repairPending(key.project(), now);
    List<?> reserved = reserve(key, requestId, maxActiveKeys, now);
    String status = (String) reserved.get(0);
    if (status.equals("FULL") && reconcileActive(key.project(), now)) {
      // the active set was stale (a replace interrupted between its steps): ask again
      reserved = reserve(key, requestId, maxActiveKeys, now);
      status = (String) reserved.get(0);
    }
    switch (status) {
      case "DUPLICATE":
        return CreateOutcome.duplicate((String) reserved.get(1));
      case "FULL":
        return CreateOutcome.projectFull((Long) reserved.get(1));
      case "TAKEN":
        return CreateOutcome.idTaken();
      case "RESERVED":
        break;
      default:
        throw new IllegalStateException("unexpected create result " + status);
    }
    // if this throws, the reservation stays pending and a later create repairs it
    boolean written = writeNew(key);
    if (!written) {
      release(key.project(), key.id(), pendingValue(key, requestId, now));
      return CreateOutcome.idTaken();
    }
    withRedis(r -> r.hdel(projectPendingKey(key.project()), key.id()));
    return CreateOutcome.created(key.id());
  }

  /** Step 1 of create: checks and reservation in the project's slot. */
  List<?> reserve(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    boolean idempotent = requestId != null && !requestId.isEmpty();
    List<String> keys =
        List.of(
            projectKeysKey(key.project()),
            projectActiveKey(key.project()),
            requestKey(key.project(), idempotent ? requestId : ""),
            projectPendingKey(key.project()));
    List<String> args =
        List.of(
            idempotent ? "1" : "0",
            Integer.toString(maxActiveKeys),
            Long.toString(now.toEpochMilli()),
            PageTokens.position(key),
            key.id(),
            activeScore(key),
            Long.toString(REQUEST_ID_TTL_SECONDS),
            pendingValue(key, requestId, now));
    return (List<?>) withRedis(r -> RESERVE.eval(r, keys, args));
  }

  /** Step 2 of create: the record and its invalidation, in the key's slot. */
  boolean writeNew(ApiKeyRecord key) {
    List<String> args = new ArrayList<>();
    args.add(invalidationChannel());
    args.add(key.id());
    appendFields(args, key);
    return (Long) withRedis(r -> WRITE_NEW.eval(r, List.of(recordKey(key.id())), args)) == 1;
  }

  private static String pendingValue(ApiKeyRecord key, String requestId, Instant now) {
    // request ids are validated upstream to exclude spaces; position holds none either
    return now.toEpochMilli()
        + " "
        + PageTokens.position(key)
        + " "
        + (requestId == null ? "" : requestId);
  }

  private boolean release(String project, String id, String pending) {
    String[] parts = pending.split(" ", 3);
    String requestId = parts.length > 2 ? parts[2] : "";
    List<String> keys =
        List.of(
            projectKeysKey(project),
            projectActiveKey(project),
            requestKey(project, requestId),
            projectPendingKey(project));
    return (Long) withRedis(r -> RELEASE.eval(r, keys, List.of(id, parts[1], pending))) == 1;
  }

  /**
   * Settles creates that reserved but never confirmed (a crash or timeout between the steps):
   * confirmed when the record exists, released otherwise. Only reservations older than {@link
   * #repairAfter()} are touched, so a create still in flight is left alone.
   *
   * @return how many reservations were settled
   */
  int repairPending(String project, Instant now) {
    Map<String, String> pending = withRedis(r -> r.hgetAll(projectPendingKey(project)));
    int settled = 0;
    long cutoff = now.minus(repairAfter).toEpochMilli();
    for (Map.Entry<String, String> e : pending.entrySet()) {
      long reservedAt;
      try {
        reservedAt = Long.parseLong(e.getValue().split(" ", 2)[0]);
      } catch (NumberFormatException ex) {
        reservedAt = Long.MIN_VALUE; // not ours: settle it
      }
      if (reservedAt > cutoff) {
        continue;
      }
      String id = e.getKey();
      boolean exists = withRedis(r -> r.exists(recordKey(id)));
      if (exists) {
        withRedis(r -> r.hdel(projectPendingKey(project), id));
      } else if (e.getValue().split(" ", 3).length >= 2) {
        release(project, id, e.getValue());
      } else {
        withRedis(r -> r.hdel(projectPendingKey(project), id));
      }
      settled++;
    }
    return settled;
  }

  /**
   * Makes the project's active set agree with the records of its members: revoked, missing and
   * expired keys leave it, changed expiries are corrected. Pending reservations are kept.
   *
   * @return true if anything changed
   */
  boolean reconcileActive(String project, Instant now) {
    String activeKey = projectActiveKey(project);
    List<String> members = withRedis(r -> r.zrange(activeKey, 0, -1));
    Map<String, String> pending = withRedis(r -> r.hgetAll(projectPendingKey(project)));
    boolean changed = false;
    for (String id : members) {
      if (pending.containsKey(id)) {
        continue;
      }
      Optional<ApiKeyRecord> key = find(id);
      Double stored = withRedis(r -> r.zscore(activeKey, id));
      if (key.isEmpty()
          || key.get().isRevoked()
          || !key.get().project().equals(project)
          || key.get().isExpiredAt(now)) {
        withRedis(r -> r.zrem(activeKey, id));
        changed = true;
      } else {
        double score =
            key.get().expiresAt() == null
                ? Double.POSITIVE_INFINITY
                : key.get().expiresAt().toEpochMilli();
        if (stored == null || stored != score) {
          withRedis(r -> r.zadd(activeKey, score, id));
          changed = true;
        }
      }
    }
    return changed;
  }

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    Map<String, String> hash = withRedis(r -> r.hgetAll(recordKey(id)));
    return decode(id, hash);
  }

  /**
   * One pipelined round trip: an HGETALL per distinct id, all sent before any reply is read. If the
   * pipeline fails, the ids are read one by one: single commands follow the client's retry,
   * failover and (on a Cluster) slot-map refresh, which pipelines do not, so a batch never keeps
   * failing against a node that has been replaced.
   */
  @Override
  public Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(ids));
    if (distinct.size() == 1) {
      // one read is one command: no pipeline to set up, and it follows the client's retries,
      // failover and slot-map refresh (a half-open breaker's probe is such a read)
      return Map.of(distinct.get(0), find(distinct.get(0)));
    }
    List<Map<String, String>> hashes;
    try {
      hashes = pipelinedHashes(distinct);
    } catch (StoreUnavailableException e) {
      if (RedisCircuit.timedOut(e)) {
        // a Redis that did not answer in time will not answer the same reads one by one either
        throw e;
      }
      // one by one; the first failure fails the rest at once, and an open circuit fails them
      // all without trying
      Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
      for (String id : distinct) {
        found.put(id, find(id));
      }
      return found;
    }
    Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      found.put(distinct.get(i), decode(distinct.get(i), hashes.get(i)));
    }
    return found;
  }

  private List<Map<String, String>> pipelinedHashes(List<String> ids) {
    return withRedis(
        r -> {
          // on a Cluster the records live on many nodes; the cluster pipeline groups them by node
          List<Response<Map<String, String>>> replies = new ArrayList<>(ids.size());
          try (AbstractPipeline pipeline = r.pipelined()) {
            for (String id : ids) {
              replies.add(pipeline.hgetAll(recordKey(id)));
            }
            pipeline.sync();
          }
          List<Map<String, String>> out = new ArrayList<>(replies.size());
          for (Response<Map<String, String>> reply : replies) {
            out.add(reply.get());
          }
          return out;
        });
  }

  @Override
  public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    String after = PageTokens.decode(pageToken);
    String indexKey = projectKeysKey(project);
    return withRedis(
        r -> {
          List<ApiKeyRecord> page = new ArrayList<>();
          String cursor = after;
          while (true) {
            // one more member than the page still needs, so a full page knows whether more remain
            int batch = Math.min(Math.max(pageSize - page.size(), 0) + 1, MAX_LIST_BATCH);
            List<String> positions =
                r.zrangeByLex(indexKey, cursor.isEmpty() ? "-" : "(" + cursor, "+", 0, batch);
            // on a Cluster the records live on many nodes; the cluster pipeline groups them by node
            List<Response<Map<String, String>>> hashes = new ArrayList<>(positions.size());
            try (AbstractPipeline pipeline = r.pipelined()) {
              for (String position : positions) {
                hashes.add(pipeline.hgetAll(recordKey(idOf(position))));
              }
              pipeline.sync();
            }
            for (int i = 0; i < positions.size(); i++) {
              if (page.size() >= pageSize) {
                return new KeyPage(page, PageTokens.encode(cursor));
              }
              String position = positions.get(i);
              cursor = position;
              // an index member without its hash is skipped: nothing deletes keys today, but a
              // hand-deleted record must not break listing
              Optional<ApiKeyRecord> key = decode(idOf(position), hashes.get(i).get());
              if (key.isPresent() && (includeRevoked || !key.get().isRevoked())) {
                page.add(key.get());
              }
            }
            if (positions.size() < batch) {
              return new KeyPage(page, "");
            }
          }
        });
  }

  @Override
  public java.util.OptionalLong reserveActive(
      String project, String id, Instant expiresAt, int maxActiveKeys, Instant now) {
    long active = revive(project, id, expiresAt, maxActiveKeys, now);
    if (active >= 0 && reconcileActive(project, now)) {
      // the active set was stale (a replace interrupted between its steps): ask again
      active = revive(project, id, expiresAt, maxActiveKeys, now);
    }
    return active < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(active);
  }

  private long revive(String project, String id, Instant expiresAt, int max, Instant now) {
    List<String> args =
        List.of(
            Long.toString(now.toEpochMilli()),
            id,
            Integer.toString(max),
            expiresAt == null ? "+inf" : Long.toString(expiresAt.toEpochMilli()));
    return (Long) withRedis(r -> REVIVE.eval(r, List.of(projectActiveKey(project)), args));
  }

  @Override
  public boolean replace(ApiKeyRecord updated, long expectedVersion) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(expectedVersion));
    args.add(updated.id());
    args.add(invalidationChannel());
    appendFields(args, updated);
    long result = (Long) withRedis(r -> REPLACE.eval(r, List.of(recordKey(updated.id())), args));
    if (result < 0) {
      throw new NoSuchElementException("no key " + updated.id());
    }
    if (result == 0) {
      return false;
    }
    // step 2, in the project's slot; if this fails the set is stale until a create reconciles it
    String activeKey = projectActiveKey(updated.project());
    if (updated.isRevoked()) {
      withRedis(r -> r.zrem(activeKey, updated.id()));
    } else {
      double score =
          updated.expiresAt() == null
              ? Double.POSITIVE_INFINITY
              : updated.expiresAt().toEpochMilli();
      withRedis(r -> r.zadd(activeKey, score, updated.id()));
    }
    return true;
  }

  @Override
  public void recordUsage(Collection<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    withRedis(
        r -> {
          List<UsageDelta> pending = List.copyOf(deltas);
          List<List<String>> keys = new ArrayList<>(pending.size());
          List<List<String>> args = new ArrayList<>(pending.size());
          for (UsageDelta d : pending) {
            keys.add(List.of(recordKey(d.keyId())));
            args.add(
                List.of(
                    Long.toString(d.count()),
                    Long.toString(LocalDate.ofInstant(d.lastUsedAt(), ZoneOffset.UTC).toEpochDay()),
                    Long.toString(d.lastUsedAt().toEpochMilli())));
          }
          List<Response<Object>> responses = new ArrayList<>(pending.size());
          try (AbstractPipeline pipeline = r.pipelined()) {
            for (int i = 0; i < pending.size(); i++) {
              responses.add(pipeline.evalsha(USAGE.sha, keys.get(i), args.get(i)));
            }
            pipeline.sync();
          }
          // a script cache miss (Redis restarted or flushed) fails only that command, which then
          // did not run: re-running it with EVAL neither loses nor double-counts the delta
          for (int i = 0; i < responses.size(); i++) {
            try {
              responses.get(i).get();
            } catch (JedisNoScriptException e) {
              r.eval(USAGE.source, keys.get(i), args.get(i));
            }
          }
          return null;
        });
  }

  @Override
  /**
   * Pings Redis itself, past an open circuit breaker: the health monitor (once a second) must see
   * Redis, not the breaker. A ping that succeeds while the breaker is open lets it probe at once.
   */
  public boolean ping() {
    if (closed) {
      return false;
    }
    boolean pong;
    try {
      pong = "PONG".equals(budget.run(redis::ping));
    } catch (RuntimeException e) {
      return false;
    }
    if (pong) {
      circuit.redisAnswered();
    }
    return pong;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    closed = true;
    reader.close();
    calls.close();
    redis.close();
  }

  // ---------------------------------------------------------------- encoding

  private static String activeScore(ApiKeyRecord key) {
    if (key.isRevoked()) {
      return "";
    }
    return key.expiresAt() == null ? "+inf" : Long.toString(key.expiresAt().toEpochMilli());
  }

  /** Every record field, "" for absent optionals so a replace clears what the update cleared. */
  private static void appendFields(List<String> out, ApiKeyRecord k) {
    out.addAll(
        List.of(
            "p", k.project(),
            "n", k.name(),
            "d", nullToEmpty(k.description()),
            "m", encodeMetadata(k.metadata()),
            "s", String.join(" ", k.scopes()),
            "k", k.kind().label(),
            "px", k.prefix(),
            "c", millis(k.createdAt()),
            "u", millis(k.updatedAt()),
            "e", millis(k.expiresAt()),
            "r", millis(k.revokedAt()),
            "rr", nullToEmpty(k.revokeReason()),
            "h", bytes(k.digest()),
            "ph", bytes(k.previousDigest()),
            "pe", millis(k.previousExpiresAt()),
            "ro", millis(k.rotatedAt()),
            "rl", k.rateLimit() == null ? "" : k.rateLimit().encode(),
            "lm", KeyLimit.encodeAll(k.limits()),
            "ver", Long.toString(k.version())));
    // access controls (issue 13): disabled time and reason, "" = enabled
    out.addAll(List.of("da", millis(k.disabledAt()), "dr", k.disableReason()));
    out.addAll(List.of("ip", k.allowlist().encode()));
    // credits (issue 13): how they were last set and refill; "" = unmetered. The balance is kept
    // apart, in ns:cr:{<id>}, so that rewriting the record never touches it
    out.addAll(List.of("cr", k.credits().map(Credits::encode).orElse("")));
  }

  private static Optional<ApiKeyRecord> decode(String id, Map<String, String> h) {
    // a hash without its identity fields is not a record (e.g. created by hand)
    if (h == null || h.isEmpty() || !h.containsKey("ver") || !h.containsKey("p")) {
      return Optional.empty();
    }
    KeyUsage usage = KeyUsage.NONE;
    if (h.containsKey("ut")) {
      String day = h.getOrDefault("ud", "");
      usage =
          new KeyUsage(
              Long.parseLong(h.get("ut")),
              day.isEmpty() ? null : LocalDate.ofEpochDay(Long.parseLong(day)),
              Long.parseLong(h.getOrDefault("un", "0")),
              instant(h.get("lu")));
    }
    String rateLimit = h.getOrDefault("rl", "");
    String scopes = h.getOrDefault("s", "");
    return Optional.of(
        new ApiKeyRecord.Builder()
            .id(id)
            .project(h.get("p"))
            .name(h.getOrDefault("n", ""))
            .description(h.getOrDefault("d", ""))
            .metadata(decodeMetadata(h.getOrDefault("m", "")))
            .scopes(scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")))
            .kind(
                KeyKind.fromLabel(h.getOrDefault("k", ""))
                    .orElseThrow(
                        () -> new IllegalStateException("key " + id + " has no valid kind")))
            .prefix(h.getOrDefault("px", ""))
            .createdAt(instant(h.get("c")))
            .updatedAt(instant(h.get("u")))
            .expiresAt(instant(h.get("e")))
            .revokedAt(instant(h.get("r")))
            .revokeReason(h.getOrDefault("rr", ""))
            .digest(bytes(h.get("h")))
            .previousDigest(bytes(h.get("ph")))
            .previousExpiresAt(instant(h.get("pe")))
            .rotatedAt(instant(h.get("ro")))
            .rateLimit(rateLimit.isEmpty() ? null : RateLimitSpec.decode(rateLimit))
            // absent in records written before per-limit scopes existed: no further limits
            .limits(KeyLimit.decodeAll(h.getOrDefault("lm", "")))
            .version(Long.parseLong(h.get("ver")))
            .usage(usage)
            // absent in records written before disable existed: enabled
            .disabledAt(instant(h.get("da")))
            .disableReason(h.getOrDefault("dr", ""))
            .allowlist(IpAllowlist.decode(h.get("ip")))
            // absent in records written before credits existed: unmetered
            .credits(
                h.getOrDefault("cr", "").isEmpty()
                    ? Optional.empty()
                    : Optional.of(Credits.decode(h.get("cr"))))
            .build());
  }

  /** {@code k=v&k2=v2}, URL-encoded UTF-8, sorted by key so equal maps store equal strings. */
  static String encodeMetadata(Map<String, String> metadata) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  static Map<String, String> decodeMetadata(String encoded) {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (encoded.isEmpty()) {
      return metadata;
    }
    for (String pair : encoded.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      metadata.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return metadata;
  }

  private static String idOf(String position) {
    return position.substring(position.indexOf(':') + 1);
  }

  private static String millis(Instant t) {
    return t == null ? "" : Long.toString(t.toEpochMilli());
  }

  private static Instant instant(String millis) {
    return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
  }

  private static String bytes(byte[] b) {
    return b == null ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] bytes(String s) {
    return s == null || s.isEmpty() ? null : Base64.getUrlDecoder().decode(s);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Runs {@code call} on the client within one budget of {@code KEYGATE_REDIS_TIMEOUT} (see {@link
   * CallBudget}): borrowing a connection (waiting for a free one, or connecting and its handshake,
   * each bounded by the timeout), then each reply may only wait for what is left of the budget, at
   * least a tenth of the timeout. Against an unresponsive standalone Redis a call so fails after
   * about one timeout; Sentinel and Cluster clients retry (see README, "Failure modes"). Jedis
   * marks a connection broken on I/O errors and the pool discards it on return; after a connection
   * failure the idle connections are dropped too, since they most likely point at the same dead
   * peer (a restarted Redis would otherwise cost one failed call per pooled connection). The
   * Sentinel and Cluster clients also follow a failover to the new master.
   */
  private <T> T withRedis(Function<UnifiedJedis, T> call) {
    return execute(call, description, errors);
  }

  /** {@link #withRedis}, naming {@code what} in failures and counting them in {@code counter}. */
  private static boolean raisedByJedis(RuntimeException e) {
    StackTraceElement[] frames = e.getStackTrace();
    return frames.length > 0 && frames[0].getClassName().startsWith("redis.clients.jedis.");
  }

  private <T> T execute(Function<UnifiedJedis, T> call, String what, LongAdder counter) {
    if (closed) {
      throw new StoreUnavailableException(what + " is closed", null);
    }
    // fails at once while the circuit is open: a hung Redis costs callers microseconds
    long start = circuit.acquire(what);
    try {
      T result = budget.run(() -> call.apply(redis));
      circuit.succeeded(start);
      return result;
    } catch (JedisDataException e) {
      // an error reply: Redis answered
      circuit.succeeded(start);
      if (counter != null) {
        counter.increment();
      }
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    } catch (JedisException e) {
      circuit.failed(start, e);
      if (counter != null) {
        counter.increment();
      }
      dropIdleConnections.run();
      // the exception type says what happened; its message is Jedis's own and carries at most
      // host and port, never the password, but we do not repeat it
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    } catch (RuntimeException e) {
      if (closed) {
        circuit.released();
        throw new StoreUnavailableException(what + " is closed", e);
      }
      if (!raisedByJedis(e)) {
        circuit.released();
        throw e;
      }
      // a Cluster pipeline racing a failover fails inside Jedis with other exceptions too (a
      // reply never read, a node gone from the slot map): Redis failures all the same
      circuit.failed(start, e);
      if (counter != null) {
        counter.increment();
      }
      throw new StoreUnavailableException(
          what + " unavailable: " + e.getClass().getSimpleName(), e);
    }
  }

  private static void clear(Pool<Connection> pool) {
    try {
      pool.clear();
    } catch (RuntimeException e) {
      // a closed pool, or a connection that failed to close: nothing left to drop either way
    }
  }

  /** A Lua script run by SHA, sent in full only when Redis does not have it cached. */
  private static final class Script {
    final String source;
    final String sha;

    Script(String source) {
      this.source = source;
      this.sha = sha1(source);
    }

    Object eval(UnifiedJedis redis, List<String> keys, List<String> args) {
      try {
        return redis.evalsha(sha, keys, args);
      } catch (JedisNoScriptException e) {
        // first use on this server, or its script cache was flushed; EVAL also caches it
        return redis.eval(source, keys, args);
      }
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 unavailable", e);
      }
    }
  }
}
