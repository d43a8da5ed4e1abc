package dev.keygate.store;

import static dev.keygate.store.RedisRecordCodecTest.assertSameRecord;
import static dev.keygate.store.RedisRecordCodecTest.oldLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.RecordLayoutMigration.Outcome;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisServerExtension;
import dev.keygate.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Records written in the layout before the packed one (issue 17) keep working: read, authorized,
 * listed, and packed by their next update or by {@link RecordLayoutMigration}.
 */
@ExtendWith(RedisServerExtension.class)
class OldLayoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** Every field a packed record may have; an old-layout one has a kind label k besides. */
  private static final Set<String> PACKED_FIELDS =
      Set.of(
          "ver", "a", "x", "p", "s", "n", "h", "px", "c", "u", "d", "m", "e", "r", "rr", "ph", "pe",
          "ro", "rl", "lm", "da", "dr", "ip", "cr", "ut", "ud", "un", "lu");

  /** Packed: its fields, {@code a}, and no empty value (the old layout wrote absent ones as ""). */
  private static void assertPacked(Map<String, String> h) {
    assertTrue(PACKED_FIELDS.containsAll(h.keySet()), "packed: " + h.keySet());
    assertTrue(h.containsKey("a"), "packed: " + h.keySet());
    assertFalse(h.containsValue(""), "packed: " + h.keySet());
  }

  private final TestRedis redis;

  OldLayoutTest(TestRedis redis) {
    this.redis = redis;
  }

  /** Replaces the record of {@code id} by its old layout, as the code before issue 17 wrote it. */
  private Map<String, String> writeOldLayout(
      RedisKeyStore store, String id, Map<String, String> extra) {
    ApiKeyRecord record = store.find(id).orElseThrow();
    Map<String, String> old = new HashMap<>(oldLayout(record));
    old.putAll(extra);
    try (Jedis jedis = jedis()) {
      String key = store.names().record(id);
      jedis.del(key);
      jedis.hset(key, old);
      assertFalse(jedis.hexists(key, "a"));
    }
    return old;
  }

  private Jedis jedis() {
    return new Jedis(URI.create(redis.url()));
  }

  private Map<String, String> hash(RedisKeyStore store, String id) {
    try (Jedis jedis = jedis()) {
      return jedis.hgetAll(store.names().record(id));
    }
  }

  @Test
  void oldRecord_isFound_authorizes_lists_andItsNextUpdatePacksIt() {
    String ns = redis.newNamespace();
    CreateKeyResponse created;
    try (InProcessKeygate a =
        InProcessKeygate.overRedis(redis.url(), ns, new FakeTicker(), Map.of())) {
      created = a.createKey("tasks:read", "tasks:write");
    }
    String id = created.getKey().getId();
    try (RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, ns)) {
      ApiKeyRecord before = store.find(id).orElseThrow();
      writeOldLayout(store, id, Map.of("ut", "4", "ud", "20785", "un", "4", "lu", "1795000000000"));
      assertSameRecord(before, store.find(id).orElseThrow());

      // a sidecar that never saw the key: its cache is empty, it reads the old layout
      try (InProcessKeygate b =
          InProcessKeygate.overRedis(redis.url(), ns, new FakeTicker(), Map.of())) {
        CheckResponse ok =
            b.authorize()
                .check(
                    CheckRequest.newBuilder()
                        .setKey(created.getSecret())
                        .addRequiredScopes("tasks:write")
                        .build());
        assertEquals(id, ok.getKeyId());
        assertEquals("acme", ok.getProject());
        assertEquals("test key", ok.getKeyName());
        List<ApiKey> listed =
            b.admin()
                .listKeys(ListKeysRequest.newBuilder().setProject("acme").build())
                .getKeysList();
        assertEquals(List.of(id), listed.stream().map(ApiKey::getId).toList());
        assertEquals(created.getKey().getPrefix(), listed.get(0).getPrefix());

        b.admin()
            .updateKey(
                UpdateKeyRequest.newBuilder()
                    .setKey(ApiKey.newBuilder().setId(id).setName("renamed"))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("name"))
                    .build());

        Map<String, String> packed = hash(store, id);
        assertPacked(packed);
        assertEquals("4", packed.get("ut"), "usage counts survive the rewrite");
        ApiKey got = b.admin().getKey(GetKeyRequest.newBuilder().setId(id).build());
        assertEquals("renamed", got.getName());
        assertEquals(List.of("tasks:read", "tasks:write"), got.getScopesList());
        assertEquals(created.getKey().getCreatedAt(), got.getCreatedAt());
        assertEquals(created.getKey().getPrefix(), got.getPrefix());
        assertEquals(
            id,
            b.authorize()
                .check(CheckRequest.newBuilder().setKey(created.getSecret()).build())
                .getKeyId());
      }
    }
  }

  @Test
  void migration_packsOldRecords_keepsTheirContent_skipsOthers_andRunsAgainHarmlessly() {
    String ns = redis.newNamespace();
    try (RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, ns);
        RedisKeyStore other = RedisKeyStore.connect(redis.url(), TIMEOUT, redis.newNamespace());
        Jedis jedis = jedis()) {
      String[] ids = {"old000000001", "old000000002", "new000000001"};
      for (int i = 0; i < ids.length; i++) {
        ApiKeyRecord k =
            RedisRecordCodecTest.typical().toBuilder()
                .id(ids[i])
                .prefix("kg_live_" + ids[i])
                .description(i == 0 ? "with a description" : "")
                .version(3)
                .build();
        assertEquals(CreateOutcome.created(k.id()), store.create(k, null, 100, k.createdAt()));
        other.create(k, null, 100, k.createdAt());
      }
      ApiKeyRecord old1 = store.find(ids[0]).orElseThrow();
      ApiKeyRecord old2 = store.find(ids[1]).orElseThrow();
      writeOldLayout(store, ids[0], Map.of());
      writeOldLayout(store, ids[1], Map.of("ut", "9", "ud", "20785", "un", "2", "lu", "1"));
      Map<String, String> otherNamespace = new HashMap<>(oldLayout(old1));
      jedis.del(other.names().record(ids[0]));
      jedis.hset(other.names().record(ids[0]), otherNamespace);
      // hashes under the record pattern that are not records, or are broken
      String foreign = store.names().record("foreign00001");
      jedis.hset(foreign, Map.of("owner", "someone else"));
      String brokenKind = store.names().record("broken000001");
      jedis.hset(brokenKind, Map.of("ver", "1", "p", "proj", "k", "neither"));
      String notBraced = ns + ":key:plain";
      jedis.hset(notBraced, Map.of("ver", "1", "p", "proj", "k", "live"));
      jedis.set(store.names().record("string000001"), "not a hash");

      RecordLayoutMigration.Result first = RecordLayoutMigration.of(store).run(2);

      assertEquals(2, first.count(Outcome.MIGRATED), first.describe());
      assertEquals(1, first.count(Outcome.ALREADY_PACKED), first.describe());
      assertEquals(2, first.count(Outcome.NOT_A_RECORD), first.describe());
      assertEquals(1, first.count(Outcome.MALFORMED), first.describe());
      assertEquals(List.of("broken000001"), first.malformedIds());
      assertTrue(first.describe().contains("migrated: 2"), first.describe());
      for (ApiKeyRecord before : List.of(old1, old2)) {
        Map<String, String> h = hash(store, before.id());
        assertPacked(h);
        assertEquals("3", h.get("ver"), "the version is kept");
        assertSameRecord(before, store.find(before.id()).orElseThrow());
      }
      assertEquals("9", hash(store, ids[1]).get("ut"));
      assertEquals(Map.of("owner", "someone else"), jedis.hgetAll(foreign));
      assertEquals("neither", jedis.hget(brokenKind, "k"));
      assertEquals("live", jedis.hget(notBraced, "k"));
      assertEquals(
          otherNamespace, jedis.hgetAll(other.names().record(ids[0])), "not its namespace");

      RecordLayoutMigration.Result second = RecordLayoutMigration.of(store).run(1000);
      assertEquals(0, second.count(Outcome.MIGRATED), second.describe());
      assertEquals(3, second.count(Outcome.ALREADY_PACKED), second.describe());
      assertEquals(1, second.count(Outcome.MALFORMED), second.describe());
    }
  }

  @Test
  void migration_neverOverwritesAWriteBetweenItsReadAndItsRewrite() {
    String ns = redis.newNamespace();
    try (RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, ns);
        Jedis jedis = jedis()) {
      ApiKeyRecord k = RedisRecordCodecTest.typical();
      store.create(k, null, 100, k.createdAt());
      Map<String, String> read = writeOldLayout(store, k.id(), Map.of());
      // a sidecar still on the old code updates the key after the migration read it
      jedis.hset(store.names().record(k.id()), Map.of("ver", "2", "n", "changed meanwhile"));

      RecordLayoutMigration migration = RecordLayoutMigration.of(store);
      assertEquals(Outcome.CHANGED_MEANWHILE, migration.migrate(k.id(), read));
      assertEquals("changed meanwhile", store.find(k.id()).orElseThrow().name());
      assertEquals(Outcome.GONE, migration.migrate("gone00000001", Map.of()));
      jedis.del(store.names().record(k.id()));
      assertEquals(Outcome.GONE, migration.migrate(k.id(), read));
    }
  }

  @Test
  void migration_refusesAnUnboundedBatch() {
    try (RedisKeyStore store = RedisKeyStore.connect(redis.url(), TIMEOUT, redis.newNamespace())) {
      for (int batch : new int[] {0, -1, RecordLayoutMigration.MAX_BATCH + 1}) {
        IllegalArgumentException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> RecordLayoutMigration.of(store).run(batch));
        assertEquals("batch must be 1-1000", e.getMessage());
      }
    }
  }
}
