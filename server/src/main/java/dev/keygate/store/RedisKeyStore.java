package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyUsage;
import dev.keygate.key.RateLimitSpec;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A {@link KeyStore} in Redis (standalone or behind Sentinel), shared by every keygate replica.
 *
 * <p>Layout, for namespace {@code ns} (default {@value #DEFAULT_NAMESPACE}):
 *
 * <ul>
 *   <li>{@code ns:key:{<id>}}: HASH, one API key. Short field names keep memory low: {@code p}
 *       project, {@code n} name, {@code d} description, {@code m} metadata (URL-encoded
 *       {@code k=v&k2=v2}, sorted by key), {@code s} scopes (space-separated), {@code k} kind,
 *       {@code px} display prefix, {@code c}/{@code u}/{@code e}/{@code r}/{@code ro}/{@code pe}
 *       created/updated/expires/revoked/rotated/previous-secret-expiry epoch millis ("" = none),
 *       {@code rr} revoke reason, {@code h}/{@code ph} current/previous digest (base64url, no
 *       padding), {@code rl} rate limit ({@link RateLimitSpec#encode()}, "" = default),
 *       {@code ver} version; and, written only by {@link #recordUsage}, {@code ut} total,
 *       {@code ud} UTC epoch day, {@code un} count on that day, {@code lu} last use millis.
 *   <li>{@code ns:proj:{<project>}:keys}: ZSET of {@link PageTokens#position positions}, all with
 *       score 0 so that ZRANGEBYLEX walks them in creation order.
 *   <li>{@code ns:proj:{<project>}:active}: ZSET id → expiry millis ({@code +inf} = never) of the
 *       keys that are not revoked; the active count is the members scored above now.
 *   <li>{@code ns:proj:{<project>}:req:<request id>}: STRING key id, 24 h, for idempotent create.
 * </ul>
 *
 * <p>The hash tags ({@code {...}}) put each key record in one Cluster slot and a project's indexes
 * in the project's slot. Create spans both slots, which works on standalone and Sentinel but not
 * on Cluster; Cluster support is left for later.
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

  // The checks and the writes of create must be one atomic step; a script is the only way to
  // branch on read values inside Redis without WATCH/MULTI retry loops.
  // KEYS: record, project index, project active set, request id key.
  // ARGV: idempotent flag, max active, now ms, position, id, active score ("" = revoked),
  //       request TTL seconds, invalidation channel, then the record's field/value pairs.
  // The PUBLISH is part of the script so the write and its invalidation are one atomic step: no
  // crash between them can leave another instance's cache (or negative cache) stale.
  private static final Script CREATE = new Script("""
      if ARGV[1] == '1' then
        local existing = redis.call('GET', KEYS[4])
        if existing then return {'DUPLICATE', existing} end
      end
      -- expired keys never become active again unless replace re-adds them: drop them here so
      -- the active set stays bounded by the project's live keys
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
      local active = redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[3], '+inf')
      if active >= tonumber(ARGV[2]) then return {'FULL', active} end
      if redis.call('EXISTS', KEYS[1]) == 1 then return {'TAKEN'} end
      redis.call('HSET', KEYS[1], unpack(ARGV, 9))
      redis.call('ZADD', KEYS[2], 0, ARGV[4])
      if ARGV[6] ~= '' then redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5]) end
      if ARGV[1] == '1' then redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[7]) end
      redis.call('PUBLISH', ARGV[8], ARGV[5])
      return {'CREATED'}
      """);

  // Compare-and-set on ver. Usage fields (ut/ud/un/lu) are never in the pair list, so flushed
  // counts survive every update.
  // KEYS: record, project active set. ARGV: expected version, id, active score ("" = revoked),
  //       invalidation channel, then the record's field/value pairs. Publishes like CREATE.
  private static final Script REPLACE = new Script("""
      if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
      if redis.call('HGET', KEYS[1], 'ver') ~= ARGV[1] then return 0 end
      redis.call('HSET', KEYS[1], unpack(ARGV, 5))
      if ARGV[3] == '' then
        redis.call('ZREM', KEYS[2], ARGV[2])
      else
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
      end
      redis.call('PUBLISH', ARGV[4], ARGV[2])
      return 1
      """);

  // Never creates the hash: a delta for a deleted key must not resurrect a usage-only record.
  // KEYS: record. ARGV: count, UTC epoch day, last use ms.
  private static final Script USAGE = new Script("""
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

  private final JedisPool pool;
  private final String namespace;
  private final String description;
  /** Budget of one call from borrowing a connection to its last reply; 0 = the pool's own. */
  private final long callBudgetNanos;
  private final java.util.concurrent.atomic.LongAdder errors =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * A store over a pool the caller configured (tests, custom TLS). The pool's timeouts bound
   * every call; closing the store closes the pool.
   */
  public RedisKeyStore(JedisPool pool, String namespace) {
    this(pool, namespace, "redis (caller-supplied pool)", Duration.ZERO);
  }

  private RedisKeyStore(JedisPool pool, String namespace, String description, Duration budget) {
    String ns = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    if (!NAMESPACE.matcher(ns).matches()) {
      // braces would break the hash tags, spaces and other oddities make keys hard to inspect
      throw new IllegalArgumentException("namespace must match " + NAMESPACE.pattern());
    }
    this.pool = pool;
    this.namespace = ns;
    this.description = description;
    this.callBudgetNanos = budget.toNanos();
  }

  /**
   * Connects to {@code redis://[user:password@]host:port[/db]} ({@code rediss://} for TLS). No
   * I/O happens here: connections are opened on first use, so a Redis that is down at startup
   * shows up as {@link #ping()} false rather than as a failed start.
   *
   * @param timeout connect and socket timeout, also the longest wait for a pooled connection
   * @param namespace key prefix, null or empty for {@value #DEFAULT_NAMESPACE}
   * @throws IllegalArgumentException if the URL is malformed (the message never echoes it, since
   *     it may hold a password)
   */
  public static RedisKeyStore connect(String redisUrl, Duration timeout, String namespace) {
    RedisUrl url = RedisUrl.parse(redisUrl);
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis)
        .database(url.database())
        .ssl(url.tls())
        .clientName("keygate")
        // RESP2 without a HELLO round trip: works on every Redis version and the store needs
        // nothing from RESP3 (Jedis also warns on every connection otherwise)
        .autoNegotiateProtocol(false)
        // no CLIENT SETINFO round trips on connect: every round trip there is one more timeout
        // a new connection can spend against an unresponsive Redis
        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    if (url.password() != null) {
      client.user(url.user()).password(url.password());
    }
    JedisPoolConfig poolConfig = new JedisPoolConfig();
    poolConfig.setMaxTotal(POOL_SIZE);
    poolConfig.setMaxIdle(POOL_SIZE);
    poolConfig.setMinIdle(0);
    // the default is to wait forever for a free connection; a saturated pool must fail like an
    // unreachable Redis instead of hanging the caller
    poolConfig.setMaxWait(Duration.ofMillis(millis));
    JedisPool pool = new JedisPool(poolConfig, new HostAndPort(url.host(), url.port()),
        client.build());
    String description = "redis at " + url.host() + ":" + url.port() + " db " + url.database()
        + (url.tls() ? " (tls)" : "");
    return new RedisKeyStore(pool, namespace, description, Duration.ofMillis(millis));
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
   * (from inside the write's script), so caches of all instances sharing this Redis and
   * namespace drop it at once.
   */
  public String invalidationChannel() {
    return namespace + ":invalidate";
  }

  /**
   * Starts listening on {@link #invalidationChannel()} for {@code cache} on a connection of this
   * store's pool (same address, credentials, TLS and database). The cache closes the listener
   * when it is closed itself.
   */
  public RedisInvalidationListener listenForInvalidations(CachingKeyStore cache) {
    return RedisInvalidationListener.start(pool, invalidationChannel(), cache);
  }

  /**
   * The audit trails of this store's namespace, as Redis Streams on this store's pool (so the
   * same address, credentials, TLS and database); the store's close closes the pool.
   */
  public dev.keygate.audit.RedisAuditLog auditLog(int maxEvents) {
    return new dev.keygate.audit.RedisAuditLog(pool, namespace, maxEvents);
  }

  /** Redis failures seen by key-store calls since start (a metric). */
  public long errors() {
    return errors.sum();
  }

  // ---------------------------------------------------------------- KeyStore

  @Override
  public CreateOutcome create(ApiKeyRecord key, String requestId, int maxActiveKeys, Instant now) {
    boolean idempotent = requestId != null && !requestId.isEmpty();
    List<String> keys = List.of(
        recordKey(key.id()),
        projectKeysKey(key.project()),
        projectActiveKey(key.project()),
        requestKey(key.project(), idempotent ? requestId : ""));
    List<String> args = new ArrayList<>();
    args.add(idempotent ? "1" : "0");
    args.add(Integer.toString(maxActiveKeys));
    args.add(Long.toString(now.toEpochMilli()));
    args.add(PageTokens.position(key));
    args.add(key.id());
    args.add(activeScore(key));
    args.add(Long.toString(REQUEST_ID_TTL_SECONDS));
    args.add(invalidationChannel());
    appendFields(args, key);
    List<?> result = (List<?>) withJedis(jedis -> CREATE.eval(jedis, keys, args));
    String status = (String) result.get(0);
    return switch (status) {
      case "CREATED" -> CreateOutcome.created(key.id());
      case "DUPLICATE" -> CreateOutcome.duplicate((String) result.get(1));
      case "FULL" -> CreateOutcome.projectFull((Long) result.get(1));
      case "TAKEN" -> CreateOutcome.idTaken();
      default -> throw new IllegalStateException("unexpected create result " + status);
    };
  }

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    Map<String, String> hash = withJedis(jedis -> jedis.hgetAll(recordKey(id)));
    return decode(id, hash);
  }

  /** One pipelined round trip: an HGETALL per distinct id, all sent before any reply is read. */
  @Override
  public Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
    List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(ids));
    List<Map<String, String>> hashes = withJedis(jedis -> {
      Pipeline pipeline = jedis.pipelined();
      List<Response<Map<String, String>>> replies = new ArrayList<>(distinct.size());
      for (String id : distinct) {
        replies.add(pipeline.hgetAll(recordKey(id)));
      }
      pipeline.sync();
      List<Map<String, String>> out = new ArrayList<>(replies.size());
      for (Response<Map<String, String>> reply : replies) {
        out.add(reply.get());
      }
      return out;
    });
    Map<String, Optional<ApiKeyRecord>> found = new LinkedHashMap<>();
    for (int i = 0; i < distinct.size(); i++) {
      found.put(distinct.get(i), decode(distinct.get(i), hashes.get(i)));
    }
    return found;
  }

  @Override
  public KeyPage list(String project, String pageToken, int pageSize, boolean includeRevoked) {
    String after = PageTokens.decode(pageToken);
    String indexKey = projectKeysKey(project);
    return withJedis(jedis -> {
      List<ApiKeyRecord> page = new ArrayList<>();
      String cursor = after;
      while (true) {
        // one more member than the page still needs, so a full page knows whether more remain
        int batch = Math.min(Math.max(pageSize - page.size(), 0) + 1, MAX_LIST_BATCH);
        List<String> positions = jedis.zrangeByLex(
            indexKey, cursor.isEmpty() ? "-" : "(" + cursor, "+", 0, batch);
        Pipeline pipeline = jedis.pipelined();
        List<Response<Map<String, String>>> hashes = new ArrayList<>(positions.size());
        for (String position : positions) {
          hashes.add(pipeline.hgetAll(recordKey(idOf(position))));
        }
        pipeline.sync();
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
  public boolean replace(ApiKeyRecord updated, long expectedVersion) {
    List<String> keys = List.of(recordKey(updated.id()), projectActiveKey(updated.project()));
    List<String> args = new ArrayList<>();
    args.add(Long.toString(expectedVersion));
    args.add(updated.id());
    args.add(activeScore(updated));
    args.add(invalidationChannel());
    appendFields(args, updated);
    long result = (Long) withJedis(jedis -> REPLACE.eval(jedis, keys, args));
    if (result < 0) {
      throw new NoSuchElementException("no key " + updated.id());
    }
    return result == 1;
  }

  @Override
  public void recordUsage(Collection<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    withJedis(jedis -> {
      List<UsageDelta> pending = List.copyOf(deltas);
      List<List<String>> keys = new ArrayList<>(pending.size());
      List<List<String>> args = new ArrayList<>(pending.size());
      for (UsageDelta d : pending) {
        keys.add(List.of(recordKey(d.keyId())));
        args.add(List.of(
            Long.toString(d.count()),
            Long.toString(LocalDate.ofInstant(d.lastUsedAt(), ZoneOffset.UTC).toEpochDay()),
            Long.toString(d.lastUsedAt().toEpochMilli())));
      }
      Pipeline pipeline = jedis.pipelined();
      List<Response<Object>> responses = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        responses.add(pipeline.evalsha(USAGE.sha, keys.get(i), args.get(i)));
      }
      pipeline.sync();
      // a script cache miss (Redis restarted or flushed) fails only that command, which then
      // did not run: re-running it with EVAL neither loses nor double-counts the delta
      for (int i = 0; i < responses.size(); i++) {
        try {
          responses.get(i).get();
        } catch (JedisNoScriptException e) {
          jedis.eval(USAGE.source, keys.get(i), args.get(i));
        }
      }
      return null;
    });
  }

  @Override
  public boolean ping() {
    try {
      return "PONG".equals(withJedis(Jedis::ping));
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
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
    out.addAll(List.of(
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
        "ver", Long.toString(k.version())));
  }

  private static Optional<ApiKeyRecord> decode(String id, Map<String, String> h) {
    // a hash without its identity fields is not a record (e.g. created by hand)
    if (h == null || h.isEmpty() || !h.containsKey("ver") || !h.containsKey("p")) {
      return Optional.empty();
    }
    KeyUsage usage = KeyUsage.NONE;
    if (h.containsKey("ut")) {
      String day = h.getOrDefault("ud", "");
      usage = new KeyUsage(
          Long.parseLong(h.get("ut")),
          day.isEmpty() ? null : LocalDate.ofEpochDay(Long.parseLong(day)),
          Long.parseLong(h.getOrDefault("un", "0")),
          instant(h.get("lu")));
    }
    String rateLimit = h.getOrDefault("rl", "");
    String scopes = h.getOrDefault("s", "");
    return Optional.of(new ApiKeyRecord.Builder()
        .id(id)
        .project(h.get("p"))
        .name(h.getOrDefault("n", ""))
        .description(h.getOrDefault("d", ""))
        .metadata(decodeMetadata(h.getOrDefault("m", "")))
        .scopes(scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")))
        .kind(KeyKind.fromLabel(h.getOrDefault("k", ""))
            .orElseThrow(() -> new IllegalStateException("key " + id + " has no valid kind")))
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
        .version(Long.parseLong(h.get("ver")))
        .usage(usage)
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
      metadata.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
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
   * Runs {@code call} on a pooled connection, within one budget of {@code KEYGATE_REDIS_TIMEOUT}:
   * borrowing (waiting for a free connection, or connecting and its handshake, each step bounded
   * by the timeout) and then each reply may only wait for what is left of the budget, so a call
   * against an unresponsive Redis fails after about one timeout, at worst about two (a
   * multi-round-trip call such as a long list may take longer per round trip).
   * Jedis marks a connection broken on I/O errors and the pool discards it on return; after a
   * connection failure the idle connections are dropped too, since they most likely point at the
   * same dead peer (a restarted Redis would otherwise cost one failed call per pooled connection).
   */
  private <T> T withJedis(Function<Jedis, T> call) {
    long start = System.nanoTime();
    try (Jedis jedis = pool.getResource()) {
      if (callBudgetNanos == 0) {
        return call.apply(jedis);
      }
      long leftMillis = (callBudgetNanos - (System.nanoTime() - start)) / 1_000_000;
      // a borrow that used up the budget (a new connection's handshake on a loaded machine)
      // still leaves the command a tenth of it rather than a certain failure; never 0, which
      // the socket takes as "wait forever"
      Connection connection = jedis.getConnection();
      int configured = connection.getSoTimeout();
      long floor = Math.max(1, configured / 10);
      connection.setSoTimeout((int) Math.max(floor, Math.min(configured, leftMillis)));
      try {
        return call.apply(jedis);
      } finally {
        restoreTimeout(connection, configured);
      }
    } catch (JedisException e) {
      errors.increment();
      if (!(e instanceof JedisDataException)) {
        dropIdleConnections();
      }
      // the exception type says what happened; its message is Jedis's own and carries at most
      // host and port, never the password, but we do not repeat it
      throw new StoreUnavailableException(
          description + " unavailable: " + e.getClass().getSimpleName(), e);
    } catch (IllegalStateException e) {
      if (pool.isClosed()) {
        throw new StoreUnavailableException(description + " is closed", e);
      }
      throw e;
    }
  }

  private static void restoreTimeout(Connection connection, int configured) {
    if (connection.isBroken()) {
      return; // discarded on return to the pool
    }
    try {
      connection.setSoTimeout(configured);
    } catch (JedisException e) {
      // the connection is now marked broken and is discarded; the call itself succeeded
    }
  }

  private void dropIdleConnections() {
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

    Object eval(Jedis jedis, List<String> keys, List<String> args) {
      try {
        return jedis.evalsha(sha, keys, args);
      } catch (JedisNoScriptException e) {
        // first use on this server, or its script cache was flushed; EVAL also caches it
        return jedis.eval(source, keys, args);
      }
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 unavailable", e);
      }
    }
  }

  /** The parts of a Redis URL; {@link #toString()} omits the credentials. */
  private record RedisUrl(
      String host, int port, int database, boolean tls, String user, String password) {
    private static final String SHAPE = "redis URL must be redis://[user:password@]host:port[/db]"
        + " or rediss://...";

    static RedisUrl parse(String url) {
      if (url == null) {
        throw new IllegalArgumentException(SHAPE);
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        // not chained: URISyntaxException's message quotes the whole URL, password included
        throw new IllegalArgumentException(SHAPE);
      }
      String scheme = uri.getScheme();
      if (!"redis".equals(scheme) && !"rediss".equals(scheme) || uri.getHost() == null) {
        throw new IllegalArgumentException(SHAPE);
      }
      int port = uri.getPort() < 0 ? 6379 : uri.getPort();
      int database = 0;
      String path = uri.getPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        try {
          database = Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(SHAPE);
        }
        if (database < 0) {
          throw new IllegalArgumentException(SHAPE);
        }
      }
      String user = null;
      String password = null;
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          // redis://secret@host is the common shorthand for a password without a user
          password = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        } else {
          String u = URLDecoder.decode(userInfo.substring(0, colon), StandardCharsets.UTF_8);
          user = u.isEmpty() ? null : u;
          password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
        }
      }
      return new RedisUrl(uri.getHost(), port, database, "rediss".equals(scheme), user, password);
    }

    @Override
    public String toString() {
      return "RedisUrl[" + host + ":" + port + "/" + database + "]";
    }
  }
}
