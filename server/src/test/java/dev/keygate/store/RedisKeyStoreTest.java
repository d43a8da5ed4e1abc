package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyUsage;
import dev.keygate.store.CreateOutcome.Status;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.RedisServer;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The store contract against a real Redis, plus what only Redis can get wrong. */
@ExtendWith(RedisServerExtension.class)
class RedisKeyStoreTest extends KeyStoreContract {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

  /** Generous: only guards against a call that hangs, not a performance assertion. */
  private final TestRedis redis;

  private String namespace;

  RedisKeyStoreTest(TestRedis redis) {
    this.redis = redis;
  }

  @Override
  protected KeyStore newStore() {
    namespace = redis.newNamespace();
    return RedisKeyStore.connect(redis.url(), TIMEOUT, namespace);
  }

  @Test
  void create_storesOnlyDigestNeverSecret() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    KeyHasher hasher = new KeyHasher("test pepper".getBytes(StandardCharsets.UTF_8));
    String id = format.newKeyId();
    String secret = format.newSecret(KeyKind.LIVE, id);
    String rotatedSecret = format.newSecret(KeyKind.LIVE, id);
    byte[] digest = hasher.digest(secret);
    ApiKeyRecord key =
        key(id, "proj", T0).toBuilder()
            .prefix(format.displayPrefix(KeyKind.LIVE, id))
            .digest(digest)
            .build();
    assertEquals(Status.CREATED, store.create(key, "req-1", NO_LIMIT, T0).status());
    // rotate: the old digest moves to ph, the new one to h; still no plain secret
    ApiKeyRecord rotated =
        key.toBuilder()
            .digest(hasher.digest(rotatedSecret))
            .previousDigest(digest)
            .previousExpiresAt(T0.plusSeconds(3600))
            .rotatedAt(T0.plusSeconds(1))
            .version(2)
            .build();
    assertTrue(store.replace(rotated, 1));
    store.recordUsage(List.of(new UsageDelta(id, 1, T0.plusSeconds(2))));

    List<String> everything = dumpNamespace();

    // the part after the display prefix is what makes a key secret
    String secretPart = secret.substring(format.displayPrefix(KeyKind.LIVE, id).length());
    String rotatedPart = rotatedSecret.substring(format.displayPrefix(KeyKind.LIVE, id).length());
    for (String s : everything) {
      assertFalse(s.contains(secretPart), "a stored string contains the secret");
      assertFalse(s.contains(rotatedPart), "a stored string contains the rotated secret");
    }
    // and the digests are what is stored: the current one packed (7 bits a character, after the
    // kind's letter), the previous one in ph
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    Map<String, String> hash = withJedis(j -> j.hgetAll(namespace + ":key:{" + id + "}"));
    assertEquals(b64, hash.get("ph"));
    assertEquals(SevenBitText.encode(hasher.digest(rotatedSecret)), hash.get("a").substring(1, 38));
    assertTrue(everything.size() > 10, "the dump must have seen the stored record");
  }

  @Test
  void schema_usesHashTags() {
    ApiKeyRecord key =
        key("schema000001", "acme", T0).toBuilder().expiresAt(T0.plusSeconds(600)).build();
    ApiKeyRecord forever = key("schema000002", "acme", T0.plusMillis(1));
    store.create(key, "req-1", NO_LIMIT, T0);
    store.create(forever, null, NO_LIMIT, T0);
    String recordKey = namespace + ":key:{schema000001}";
    String indexKey = namespace + ":proj:{acme}:keys";
    String expiringKey = namespace + ":proj:{acme}:expiring";
    String requestKey = namespace + ":proj:{acme}:req:req-1";

    withJedis(
        j -> {
          assertEquals(
              Set.of(
                  recordKey, namespace + ":key:{schema000002}", indexKey, expiringKey, requestKey),
              new HashSet<>(scanKeys(j)));
          assertEquals("hash", j.type(recordKey));
          // packed (RedisRecordCodec): absent optionals are no field at all
          assertEquals(Set.of("ver", "a", "x", "m", "e"), j.hgetAll(recordKey).keySet());
          Map<String, String> h = j.hgetAll(recordKey);
          assertTrue(h.get("a").startsWith("l"), "the kind's letter first");
          assertTrue(h.get("a").endsWith("acme tasks:read"), "project and scopes last");
          assertTrue(h.get("x").endsWith("kg_key schema000001"), "key format and name");
          assertEquals(Long.toString(T0.plusSeconds(600).toEpochMilli()), h.get("e"));
          assertEquals("owner=tests", h.get("m"));
          assertEquals("1", h.get("ver"));

          List<Tuple> index = j.zrangeWithScores(indexKey, 0, -1);
          assertEquals(
              List.of(
                  String.format("%013d:schema000001", T0.toEpochMilli()),
                  String.format("%013d:schema000002", T0.toEpochMilli() + 1)),
              index.stream().map(Tuple::getElement).toList());
          assertTrue(index.stream().allMatch(t -> t.getScore() == 0));

          // only keys with an expiry are in the expiring set; the others cost no set at all
          assertEquals(T0.plusSeconds(600).toEpochMilli(), j.zscore(expiringKey, "schema000001"));
          assertNull(j.zscore(expiringKey, "schema000002"));

          assertEquals("schema000001", j.get(requestKey));
          long ttl = j.ttl(requestKey);
          assertTrue(ttl > 0 && ttl <= 86_400, "request id TTL " + ttl);
          return null;
        });

    // Cluster slots: a record hashes on its id, a project's keys on the project
    assertEquals(JedisClusterCRC16.getSlot("schema000001"), JedisClusterCRC16.getSlot(recordKey));
    int projectSlot = JedisClusterCRC16.getSlot("acme");
    for (String k : List.of(indexKey, expiringKey, requestKey)) {
      assertEquals(projectSlot, JedisClusterCRC16.getSlot(k), k);
    }

    // usage fields appear only once usage is recorded
    store.recordUsage(List.of(new UsageDelta(key.id(), 3, T0.plusSeconds(1))));
    Map<String, String> h = withJedis(j -> j.hgetAll(recordKey));
    assertEquals("3", h.get("ut"));
    assertEquals(Long.toString(LocalDate.of(2026, 3, 1).toEpochDay()), h.get("ud"));
    assertEquals("3", h.get("un"));
    assertEquals(Long.toString(T0.plusSeconds(1).toEpochMilli()), h.get("lu"));
  }

  @Test
  void replace_revokeMovesFromExpiringToTheRevokedIndex() {
    ApiKeyRecord key =
        key("revokeme0001", "acme", T0).toBuilder().expiresAt(T0.plusSeconds(600)).build();
    store.create(key, null, NO_LIMIT, T0);
    assertTrue(store.replace(revoked(key, T0.plusSeconds(1)), 1));
    assertEquals(0L, (long) withJedis(j -> j.zcard(namespace + ":proj:{acme}:expiring")));
    assertEquals(
        List.of(PageTokens.position(key)),
        withJedis(j -> j.zrange(namespace + ":proj:{acme}:revoked", 0, -1)));
    // the creation-order index keeps it, for listing with includeRevoked
    assertEquals(1L, (long) withJedis(j -> j.zcard(namespace + ":proj:{acme}:keys")));
  }

  @Test
  void create_expiredKeysNoLongerCount() {
    ApiKeyRecord expiring =
        key("shortlived01", "acme", T0).toBuilder().expiresAt(T0.plusSeconds(60)).build();
    store.create(expiring, null, 1, T0);
    Instant later = T0.plusSeconds(61);
    assertEquals(
        CreateOutcome.Status.CREATED,
        store.create(key("longlived001", "acme", later), null, 1, later).status());
  }

  @Test
  void list_skipsIndexEntriesWhoseRecordIsGone() {
    for (int i = 0; i < 5; i++) {
      store.create(key("gone" + i + "0000000", "acme", T0.plusSeconds(i)), null, NO_LIMIT, T0);
    }
    withJedis(j -> j.del(namespace + ":key:{gone10000000}", namespace + ":key:{gone20000000}"));

    KeyPage first = store.list("acme", "", 2, true);
    KeyPage second = store.list("acme", first.nextPageToken(), 2, true);

    assertEquals(List.of("gone00000000", "gone30000000"), idsOf(first));
    assertEquals(List.of("gone40000000"), idsOf(second));
    assertEquals("", second.nextPageToken());
  }

  @Test
  void scripts_surviveScriptCacheFlush() {
    ApiKeyRecord key = key("flushed00001", "acme", T0);
    store.create(key, null, NO_LIMIT, T0);
    withJedis(Jedis::scriptFlush);
    store.recordUsage(List.of(new UsageDelta(key.id(), 2, T0)));
    withJedis(Jedis::scriptFlush);
    assertTrue(store.replace(key.toBuilder().name("after flush").version(2).build(), 1));
    withJedis(Jedis::scriptFlush);
    assertEquals(
        Status.CREATED, store.create(key("flushed00002", "acme", T0), null, NO_LIMIT, T0).status());

    ApiKeyRecord found = store.find(key.id()).orElseThrow();
    assertEquals("after flush", found.name());
    assertEquals(new KeyUsage(2, LocalDate.of(2026, 3, 1), 2, T0), found.usage());
  }

  @Test
  void find_redisDown_throwsStoreUnavailable() {
    String password = "hunter2-" + Long.toString(new SecureRandom().nextLong() >>> 1, 36);
    try (RedisServer server = RedisServer.start("--requirepass", password);
        RedisKeyStore down =
            RedisKeyStore.connect(
                "redis://:" + password + "@127.0.0.1:" + server.port(), SHORT_TIMEOUT, "kg")) {
      ApiKeyRecord key = key("outage000001", "acme", T0);
      assertEquals(Status.CREATED, down.create(key, null, NO_LIMIT, T0).status());
      assertTrue(down.find(key.id()).isPresent());

      server.kill();

      for (Executable call :
          List.<Executable>of(
              () -> down.find(key.id()),
              () -> down.list("acme", "", 10, true),
              () -> down.create(key("outage000002", "acme", T0), "r", NO_LIMIT, T0),
              () -> down.replace(key.toBuilder().version(2).build(), 1),
              () -> down.recordUsage(List.of(new UsageDelta(key.id(), 1, T0))))) {
        StoreUnavailableException e = assertUnavailable(call);
        assertFalse(e.getMessage().contains(password), e.getMessage());
        assertFalse(String.valueOf(e.getCause()).contains(password));
      }
      assertFalse(down.describe().contains(password));

      // back again (empty: no persistence): the store recovers without being rebuilt. The
      // failures opened the circuit breaker; a ping (the health monitor's, once a second) goes
      // past it and lets the next call probe at once
      server.restart();
      assertEquals(CircuitBreaker.State.OPEN, down.circuit().breaker().getState());
      Eventually.await("Redis answers a ping", down::ping);
      assertEquals(Optional.empty(), eventually(() -> down.find(key.id())));
    }
  }

  @Test
  void find_unresponsiveRedis_timesOut() throws Exception {
    // accepts TCP connections (the kernel's backlog) but never answers: only timeouts save us
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        RedisKeyStore hung =
            RedisKeyStore.connect(
                "redis://127.0.0.1:" + silent.getLocalPort(), SHORT_TIMEOUT, "kg")) {
      assertUnavailable(() -> hung.find("whatever0001"));
      assertFalse(returns(hung::ping));
    }
  }

  @Test
  void ping_redisDown_false() {
    try (RedisServer server = RedisServer.start();
        RedisKeyStore store = RedisKeyStore.connect(server.url(), SHORT_TIMEOUT, "kg")) {
      assertTrue(store.ping());

      server.kill();
      assertFalse(returns(store::ping));
      assertFalse(returns(store::ping), "a fresh connection attempt must fail too");

      server.restart();
      assertTrue(eventually(() -> store.ping() ? true : null));
    }
  }

  @Test
  void ping_nothingListening_false() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (RedisKeyStore nowhere =
        RedisKeyStore.connect("redis://127.0.0.1:" + port, SHORT_TIMEOUT, "kg")) {
      assertFalse(nowhere.ping());
      assertUnavailable(() -> nowhere.find("whatever0001"));
    }
  }

  @Test
  void connect_describesWithoutCredentials() {
    try (RedisKeyStore s =
        RedisKeyStore.connect("redis://admin:s3cr3t-pw@127.0.0.1:6390/2", TIMEOUT, null)) {
      assertEquals("redis at 127.0.0.1:6390 db 2", s.describe());
    }
    try (RedisKeyStore s =
        RedisKeyStore.connect("rediss://:s3cr3t-pw@redis.internal:6380", TIMEOUT, "kg")) {
      assertTrue(s.describe().startsWith("redis at redis.internal:6380 db 0"), s.describe());
    }
    for (String bad :
        List.of(
            "http://u:s3cr3t-pw@host:1",
            "redis://u:s3cr3t-pw@host:1/x",
            "redis://u:s3cr3t-pw@ho st:1",
            "s3cr3t-pw")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RedisKeyStore.connect(bad, TIMEOUT, "kg"));
      assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
      assertEquals(null, e.getCause());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> RedisKeyStore.connect("redis://127.0.0.1:6390", TIMEOUT, "bad{ns}"));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The call throws StoreUnavailableException rather than hanging. No duration is asserted: the
   * suite's common limit only keeps a hung store from hanging the build.
   */
  private static StoreUnavailableException assertUnavailable(Executable call) {
    return assertTimeoutPreemptively(
        Eventually.LIMIT, () -> assertThrows(StoreUnavailableException.class, call));
  }

  /** The call's answer, guarded by the suite's common limit (not a speed requirement). */
  private static <T> T returns(ThrowingSupplier<T> call) {
    return assertTimeoutPreemptively(Eventually.LIMIT, call);
  }

  /**
   * The first non-null result of up to five tries. A connection pooled before an outage fails once
   * when used after it; the pool then replaces it.
   */
  private static <T> T eventually(Supplier<T> call) {
    RuntimeException last = null;
    for (int i = 0; i < 5; i++) {
      try {
        T result = call.get();
        if (result != null) {
          return result;
        }
      } catch (StoreUnavailableException e) {
        last = e;
      }
    }
    throw new AssertionError("no success in 5 tries", last);
  }

  private <T> T withJedis(java.util.function.Function<Jedis, T> call) {
    // credentials and db come from the URL; RESP2 without negotiation, like the store
    try (Jedis jedis =
        new Jedis(
            URI.create(redis.url()),
            DefaultJedisClientConfig.builder().autoNegotiateProtocol(false).build())) {
      return call.apply(jedis);
    }
  }

  private List<String> scanKeys(Jedis j) {
    List<String> keys = new ArrayList<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    ScanParams params = new ScanParams().match(namespace + ":*").count(100);
    do {
      ScanResult<String> page = j.scan(cursor, params);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  /** Every key name, hash field and value, set member and string value in the namespace. */
  private List<String> dumpNamespace() {
    return withJedis(
        j -> {
          List<String> out = new ArrayList<>();
          for (String k : scanKeys(j)) {
            out.add(k);
            switch (j.type(k)) {
              case "hash" ->
                  j.hgetAll(k)
                      .forEach(
                          (f, v) -> {
                            out.add(f);
                            out.add(v);
                          });
              case "zset" -> out.addAll(j.zrange(k, 0, -1));
              case "string" -> out.add(j.get(k));
              default -> fail("unexpected type " + j.type(k) + " of " + k);
            }
          }
          return out;
        });
  }
}
