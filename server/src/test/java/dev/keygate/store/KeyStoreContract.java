package dev.keygate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.KeyUsage;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.store.CreateOutcome.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KeyStore} must do. Subclasses supply a fresh, empty store per test. Times are
 * explicit instants with whole milliseconds (the precision stores keep); nothing sleeps.
 */
abstract class KeyStoreContract {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final int NO_LIMIT = 1_000;

  protected KeyStore store;

  /** A new store with no keys in it. */
  protected abstract KeyStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ------------------------------------------------------------------ create / find

  @Test
  void create_thenFindReturnsSameFields() {
    ApiKeyRecord full =
        key("full00000001", "proj", T0).toBuilder()
            .description("the full one")
            .metadata(Map.of("team", "payments", "env", "prod"))
            .scopes(List.of("tasks:read", "tasks:write", "admin:*"))
            .kind(KeyKind.TEST)
            .prefix("kg_test_full00000001")
            .updatedAt(T0.plusSeconds(5))
            .expiresAt(T0.plus(Duration.ofDays(30)))
            .previousDigest(digest("old secret"))
            .previousExpiresAt(T0.plusSeconds(3600))
            .rotatedAt(T0.plusSeconds(5))
            .rateLimit(new RateLimitSpec(100, Duration.ofMinutes(1)))
            .limits(
                List.of(
                    new KeyLimit(new RateLimitSpec(1000, Duration.ofHours(1)), LimitScope.GLOBAL),
                    new KeyLimit(new RateLimitSpec(20, Duration.ofSeconds(1)), LimitScope.LOCAL),
                    new KeyLimit(
                        new RateLimitSpec(50_000, Duration.ofDays(1)), LimitScope.DEFAULT)))
            .build();
    ApiKeyRecord minimal =
        key("mini00000001", "proj", T0.plusMillis(1)).toBuilder()
            .description("")
            .metadata(Map.of())
            .scopes(List.of())
            .build();

    assertEquals(CreateOutcome.created(full.id()), store.create(full, "r1", NO_LIMIT, T0));
    assertEquals(CreateOutcome.created(minimal.id()), store.create(minimal, "", NO_LIMIT, T0));

    assertSameFields(full, store.find(full.id()).orElseThrow());
    ApiKeyRecord found = store.find(minimal.id()).orElseThrow();
    assertSameFields(minimal, found);
    assertNull(found.expiresAt());
    assertNull(found.revokedAt());
    assertNull(found.previousDigest());
    assertNull(found.rateLimit());
    assertEquals(List.of(), found.limits());
    assertEquals(KeyUsage.NONE, found.usage());
  }

  @Test
  void create_ignoresUsageOnTheRecord() {
    ApiKeyRecord withUsage =
        key("used00000001", "proj", T0).toBuilder()
            .usage(new KeyUsage(5, LocalDate.of(2026, 3, 1), 5, T0))
            .build();
    store.create(withUsage, null, NO_LIMIT, T0);
    assertEquals(KeyUsage.NONE, store.find(withUsage.id()).orElseThrow().usage());
  }

  @Test
  void create_duplicateRequestIdReturnsExistingId() {
    ApiKeyRecord first = key("first0000001", "proj", T0);
    ApiKeyRecord second = key("second000001", "proj", T0.plusMillis(1));
    assertEquals(Status.CREATED, store.create(first, "req-1", NO_LIMIT, T0).status());

    CreateOutcome again = store.create(second, "req-1", NO_LIMIT, T0);

    assertEquals(CreateOutcome.duplicate(first.id()), again);
    assertTrue(store.find(second.id()).isEmpty(), "the duplicate must not be stored");
    // request ids are per project
    ApiKeyRecord other = key("other0000001", "other-proj", T0);
    assertEquals(CreateOutcome.created(other.id()), store.create(other, "req-1", NO_LIMIT, T0));
    // no request id: never a duplicate
    assertEquals(Status.CREATED, store.create(second, "", NO_LIMIT, T0).status());
  }

  @Test
  void create_projectFullCountsOnlyActiveKeys() {
    ApiKeyRecord forever = key("forever00001", "proj", T0);
    ApiKeyRecord expiring =
        key("expiring0001", "proj", T0.plusMillis(1)).toBuilder()
            .expiresAt(T0.plus(Duration.ofHours(1)))
            .build();
    assertEquals(Status.CREATED, store.create(forever, null, 2, T0).status());
    assertEquals(Status.CREATED, store.create(expiring, null, 2, T0).status());

    assertEquals(
        CreateOutcome.projectFull(2),
        store.create(key("third0000001", "proj", T0.plusMillis(2)), null, 2, T0));

    // revoked keys don't count
    assertTrue(store.replace(revoked(forever, T0.plusSeconds(1)), 1));
    ApiKeyRecord third = key("third0000001", "proj", T0.plusMillis(2));
    assertEquals(Status.CREATED, store.create(third, null, 2, T0.plusSeconds(2)).status());

    // expired keys don't count: at T0+2h only "third" is active
    Instant later = T0.plus(Duration.ofHours(2));
    ApiKeyRecord fourth = key("fourth000001", "proj", later);
    assertEquals(Status.CREATED, store.create(fourth, null, 2, later).status());
    assertEquals(
        CreateOutcome.projectFull(2),
        store.create(key("fifth0000001", "proj", later.plusMillis(1)), null, 2, later));
    // other projects are counted apart
    assertEquals(
        Status.CREATED, store.create(key("elsewhere001", "other", later), null, 2, later).status());
  }

  @Test
  void create_expiryExactlyNowIsNotActive() {
    ApiKeyRecord expiring =
        key("expiring0001", "proj", T0).toBuilder().expiresAt(T0.plusSeconds(60)).build();
    store.create(expiring, null, 1, T0);
    assertEquals(
        CreateOutcome.projectFull(1),
        store.create(
            key("next00000001", "proj", T0.plusMillis(1)),
            null,
            1,
            T0.plusSeconds(60).minusMillis(1)));
    assertEquals(
        Status.CREATED,
        store
            .create(key("next00000001", "proj", T0.plusMillis(1)), null, 1, T0.plusSeconds(60))
            .status());
  }

  @Test
  void create_idTaken() {
    ApiKeyRecord original = key("taken0000001", "proj", T0);
    store.create(original, null, NO_LIMIT, T0);

    ApiKeyRecord clash =
        key("taken0000001", "other", T0.plusSeconds(1)).toBuilder().name("clash").build();
    assertEquals(CreateOutcome.idTaken(), store.create(clash, "req-x", NO_LIMIT, T0));

    ApiKeyRecord stored = store.find(original.id()).orElseThrow();
    assertEquals("proj", stored.project());
    assertEquals(original.name(), stored.name());
    assertTrue(store.list("other", "", 10, true).keys().isEmpty());
    // the failed create did not reserve its request id
    ApiKeyRecord retry = key("fresh0000001", "other", T0.plusSeconds(2));
    assertEquals(CreateOutcome.created(retry.id()), store.create(retry, "req-x", NO_LIMIT, T0));
  }

  @Test
  void find_unknownIsEmpty() {
    assertTrue(store.find("nosuchkey001").isEmpty());
    store.create(key("exists000001", "proj", T0), null, NO_LIMIT, T0);
    assertTrue(store.find("nosuchkey001").isEmpty());
    assertTrue(store.find("exists000001").isPresent());
  }

  // ------------------------------------------------------------------ replace

  @Test
  void replace_versionConflictReturnsFalse() {
    ApiKeyRecord v1 = key("versioned001", "proj", T0);
    store.create(v1, null, NO_LIMIT, T0);
    ApiKeyRecord v2 = v1.toBuilder().name("second").version(2).updatedAt(T0.plusSeconds(1)).build();
    ApiKeyRecord stale = v1.toBuilder().name("stale").version(2).build();

    assertTrue(store.replace(v2, 1));
    assertFalse(store.replace(stale, 1));

    ApiKeyRecord found = store.find(v1.id()).orElseThrow();
    assertEquals("second", found.name());
    assertEquals(2, found.version());
    assertEquals(T0.plusSeconds(1), found.updatedAt());
  }

  @Test
  void replace_missingKeyThrows() {
    ApiKeyRecord ghost = key("ghost0000001", "proj", T0).toBuilder().version(2).build();
    assertThrows(NoSuchElementException.class, () -> store.replace(ghost, 1));
    assertTrue(store.find(ghost.id()).isEmpty(), "replace must not create the key");
  }

  @Test
  void replace_clearsOptionalFields() {
    ApiKeyRecord v1 =
        key("optional0001", "proj", T0).toBuilder()
            .description("desc")
            .metadata(Map.of("a", "b"))
            .expiresAt(T0.plusSeconds(600))
            .previousDigest(digest("old"))
            .previousExpiresAt(T0.plusSeconds(60))
            .rotatedAt(T0)
            .rateLimit(new RateLimitSpec(5, Duration.ofSeconds(1)))
            .limits(
                List.of(
                    new KeyLimit(new RateLimitSpec(100, Duration.ofMinutes(1)), LimitScope.GLOBAL)))
            .build();
    store.create(v1, null, NO_LIMIT, T0);
    ApiKeyRecord v2 =
        v1.toBuilder()
            .description("")
            .metadata(Map.of())
            .scopes(List.of())
            .expiresAt(null)
            .previousDigest(null)
            .previousExpiresAt(null)
            .rotatedAt(null)
            .rateLimit(null)
            .limits(List.of())
            .version(2)
            .build();

    assertTrue(store.replace(v2, 1));

    assertSameFields(v2, store.find(v1.id()).orElseThrow());
  }

  @Test
  void replace_keepsUsageCounts() {
    ApiKeyRecord v1 = key("usage0000001", "proj", T0);
    store.create(v1, null, NO_LIMIT, T0);
    store.recordUsage(List.of(new UsageDelta(v1.id(), 7, T0.plusSeconds(30))));
    ApiKeyRecord v2 = v1.toBuilder().name("renamed").version(2).usage(KeyUsage.NONE).build();

    assertTrue(store.replace(v2, 1));

    ApiKeyRecord found = store.find(v1.id()).orElseThrow();
    assertEquals("renamed", found.name());
    assertEquals(new KeyUsage(7, LocalDate.of(2026, 3, 1), 7, T0.plusSeconds(30)), found.usage());
  }

  @Test
  void replace_revokeFreesActiveSlot() {
    ApiKeyRecord a = key("slotholder01", "proj", T0);
    ApiKeyRecord b = key("waiting00001", "proj", T0.plusMillis(1));
    store.create(a, null, 1, T0);
    assertEquals(CreateOutcome.projectFull(1), store.create(b, null, 1, T0));

    assertTrue(store.replace(revoked(a, T0.plusSeconds(1)), 1));

    assertEquals(CreateOutcome.created(b.id()), store.create(b, null, 1, T0.plusSeconds(2)));
    ApiKeyRecord found = store.find(a.id()).orElseThrow();
    assertTrue(found.isRevoked());
    assertEquals("compromised", found.revokeReason());
  }

  @Test
  void replace_extendingExpiryMakesKeyActiveAgain() {
    ApiKeyRecord a =
        key("extended0001", "proj", T0).toBuilder().expiresAt(T0.plusSeconds(60)).build();
    store.create(a, null, 1, T0);
    Instant afterExpiry = T0.plusSeconds(120);
    // a create after the expiry sees no active key (and may drop it from any index it keeps)
    assertEquals(
        Status.CREATED,
        store.create(key("first0000001", "proj", afterExpiry), null, 2, afterExpiry).status());

    assertTrue(store.replace(a.toBuilder().expiresAt(T0.plusSeconds(3600)).version(2).build(), 1));

    assertEquals(
        CreateOutcome.projectFull(2),
        store.create(
            key("third0000001", "proj", afterExpiry.plusMillis(1)),
            null,
            2,
            afterExpiry.plusMillis(1)));
  }

  // ------------------------------------------------------------------ list

  @Test
  void list_pagesInCreationOrder() {
    // ids deliberately not in creation order: the order must come from createdAt
    String[] ids = {
      "zzz000000001",
      "aaa000000001",
      "mmm000000001",
      "bbb000000001",
      "yyy000000001",
      "ccc000000001",
      "AAA000000001"
    };
    for (int i = 0; i < ids.length; i++) {
      Instant created = T0.plusSeconds(i);
      store.create(key(ids[i], "proj", created), null, NO_LIMIT, created);
    }

    KeyPage p1 = store.list("proj", "", 3, false);
    KeyPage p2 = store.list("proj", p1.nextPageToken(), 3, false);
    KeyPage p3 = store.list("proj", p2.nextPageToken(), 3, false);

    assertEquals(List.of(ids[0], ids[1], ids[2]), idsOf(p1));
    assertEquals(List.of(ids[3], ids[4], ids[5]), idsOf(p2));
    assertEquals(List.of(ids[6]), idsOf(p3));
    assertNotEquals("", p1.nextPageToken());
    assertNotEquals("", p2.nextPageToken());
    assertEquals("", p3.nextPageToken());
  }

  @Test
  void list_exactMultipleEndsWithEmptyToken() {
    for (int i = 0; i < 4; i++) {
      Instant created = T0.plusSeconds(i);
      store.create(key("key" + i + "00000000", "proj", created), null, NO_LIMIT, created);
    }
    KeyPage p1 = store.list("proj", "", 2, false);
    KeyPage p2 = store.list("proj", p1.nextPageToken(), 2, false);
    assertEquals(2, p1.keys().size());
    assertEquals(List.of("key200000000", "key300000000"), idsOf(p2));
    assertEquals("", p2.nextPageToken());
    assertEquals(new KeyPage(List.of(), ""), store.list("empty-project", "", 2, false));
  }

  @Test
  void list_sameMillisecondOrderedById() {
    store.create(key("bbbb00000001", "proj", T0), null, NO_LIMIT, T0);
    store.create(key("aaaa00000001", "proj", T0), null, NO_LIMIT, T0);
    assertEquals(List.of("aaaa00000001", "bbbb00000001"), idsOf(store.list("proj", "", 10, false)));
  }

  @Test
  void list_excludesRevokedUnlessAsked() {
    ApiKeyRecord a = key("alpha0000001", "proj", T0);
    ApiKeyRecord b = key("bravo0000001", "proj", T0.plusSeconds(1));
    ApiKeyRecord c = key("charlie00001", "proj", T0.plusSeconds(2));
    for (ApiKeyRecord k : List.of(a, b, c)) {
      store.create(k, null, NO_LIMIT, T0);
    }
    assertTrue(store.replace(revoked(b, T0.plusSeconds(3)), 1));

    assertEquals(List.of(a.id(), c.id()), idsOf(store.list("proj", "", 10, false)));
    assertEquals(List.of(a.id(), b.id(), c.id()), idsOf(store.list("proj", "", 10, true)));

    // paging one at a time skips the revoked key without returning an empty page
    KeyPage first = store.list("proj", "", 1, false);
    assertEquals(List.of(a.id()), idsOf(first));
    KeyPage second = store.list("proj", first.nextPageToken(), 1, false);
    assertEquals(List.of(c.id()), idsOf(second));
    assertEquals("", second.nextPageToken());
  }

  @Test
  void list_badTokenRejected() {
    store.create(key("listed000001", "proj", T0), null, NO_LIMIT, T0);
    String notBase64 = "not a token!";
    String wrongContent =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("garbage".getBytes(StandardCharsets.US_ASCII));
    String injection =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("0000000000000:a b".getBytes(StandardCharsets.US_ASCII));

    assertThrows(IllegalArgumentException.class, () -> store.list("proj", notBase64, 10, false));
    assertThrows(IllegalArgumentException.class, () -> store.list("proj", wrongContent, 10, false));
    assertThrows(IllegalArgumentException.class, () -> store.list("proj", injection, 10, false));
  }

  @Test
  void list_projectsAreIsolated() {
    store.create(key("ownedbya0001", "project-a", T0), null, NO_LIMIT, T0);
    store.create(key("ownedbyb0001", "project-b", T0.plusSeconds(1)), null, NO_LIMIT, T0);
    store.create(key("ownedbya0002", "project-a", T0.plusSeconds(2)), null, NO_LIMIT, T0);

    assertEquals(
        List.of("ownedbya0001", "ownedbya0002"), idsOf(store.list("project-a", "", 10, true)));
    assertEquals(List.of("ownedbyb0001"), idsOf(store.list("project-b", "", 10, true)));
    assertEquals(List.of(), idsOf(store.list("project-c", "", 10, true)));
  }

  // ------------------------------------------------------------------ usage

  @Test
  void recordUsage_accumulatesTotalsAndDay() {
    ApiKeyRecord k = key("counted00001", "proj", T0);
    store.create(k, null, NO_LIMIT, T0);

    store.recordUsage(
        List.of(
            new UsageDelta(k.id(), 3, T0.plusSeconds(10)),
            new UsageDelta(k.id(), 2, T0.plusSeconds(20))));
    // an older last-use must not move lastUsedAt back
    store.recordUsage(List.of(new UsageDelta(k.id(), 4, T0.plusSeconds(15))));

    assertEquals(
        new KeyUsage(9, LocalDate.of(2026, 3, 1), 9, T0.plusSeconds(20)),
        store.find(k.id()).orElseThrow().usage());
  }

  @Test
  void recordUsage_newDayResetsDayCount() {
    ApiKeyRecord k = key("daily0000001", "proj", T0);
    store.create(k, null, NO_LIMIT, T0);
    Instant nextDay = Instant.parse("2026-03-02T00:00:00.001Z");

    store.recordUsage(List.of(new UsageDelta(k.id(), 5, T0)));
    store.recordUsage(List.of(new UsageDelta(k.id(), 2, nextDay)));

    KeyUsage usage = store.find(k.id()).orElseThrow().usage();
    assertEquals(new KeyUsage(7, LocalDate.of(2026, 3, 2), 2, nextDay), usage);
    assertEquals(0, usage.countOn(LocalDate.of(2026, 3, 1)));
  }

  @Test
  void recordUsage_unknownKeyIgnored() {
    ApiKeyRecord k = key("known0000001", "proj", T0);
    store.create(k, null, NO_LIMIT, T0);

    store.recordUsage(
        List.of(new UsageDelta("unknown00001", 10, T0), new UsageDelta(k.id(), 1, T0)));
    store.recordUsage(List.of());

    assertTrue(store.find("unknown00001").isEmpty());
    assertEquals(1, store.find(k.id()).orElseThrow().usage().total());
    assertEquals(List.of(k.id()), idsOf(store.list("proj", "", 10, true)));
  }

  // ------------------------------------------------------------------ encoding

  @Test
  void metadata_roundTripsSpecialCharacters() {
    Map<String, String> metadata =
        Map.of(
            "a=b", "c=d",
            "x&y", "1&2",
            "100%", "%20%",
            "ключ", "значение ✓ 😀",
            "empty", "",
            "plus+space key", "a+b c",
            "line", "one\ntwo");
    ApiKeyRecord k = key("metadata0001", "proj", T0).toBuilder().metadata(metadata).build();
    store.create(k, null, NO_LIMIT, T0);

    assertEquals(metadata, store.find(k.id()).orElseThrow().metadata());
    assertEquals(metadata, store.list("proj", "", 1, false).keys().get(0).metadata());
  }

  // ------------------------------------------------------------------ helpers

  /** A minimal valid version-1 key. */
  static ApiKeyRecord key(String id, String project, Instant created) {
    return new ApiKeyRecord.Builder()
        .id(id)
        .project(project)
        .name("key " + id)
        .description("")
        .metadata(Map.of("owner", "tests"))
        .scopes(List.of("tasks:read"))
        .kind(KeyKind.LIVE)
        .prefix("kg_live_" + id)
        .createdAt(created)
        .updatedAt(created)
        .digest(digest(id))
        .version(1)
        .build();
  }

  /** The next version of {@code key}, revoked at {@code at}. */
  static ApiKeyRecord revoked(ApiKeyRecord key, Instant at) {
    return key.toBuilder()
        .revokedAt(at)
        .revokeReason("compromised")
        .updatedAt(at)
        .version(key.version() + 1)
        .build();
  }

  /** 32 bytes that depend on {@code seed}, standing in for an HMAC. */
  static byte[] digest(String seed) {
    byte[] out = new byte[32];
    byte[] in = seed.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (in[i % in.length] * 31 + i);
    }
    return out;
  }

  static List<String> idsOf(KeyPage page) {
    List<String> ids = new ArrayList<>();
    page.keys().forEach(k -> ids.add(k.id()));
    return ids;
  }

  /** Field-by-field equality except usage (records compare byte arrays by identity). */
  static void assertSameFields(ApiKeyRecord expected, ApiKeyRecord actual) {
    assertEquals(expected.id(), actual.id(), "id");
    assertEquals(expected.project(), actual.project(), "project");
    assertEquals(expected.name(), actual.name(), "name");
    assertEquals(expected.description(), actual.description(), "description");
    assertEquals(expected.metadata(), actual.metadata(), "metadata");
    assertEquals(expected.scopes(), actual.scopes(), "scopes");
    assertEquals(expected.kind(), actual.kind(), "kind");
    assertEquals(expected.prefix(), actual.prefix(), "prefix");
    assertEquals(expected.createdAt(), actual.createdAt(), "createdAt");
    assertEquals(expected.updatedAt(), actual.updatedAt(), "updatedAt");
    assertEquals(expected.expiresAt(), actual.expiresAt(), "expiresAt");
    assertEquals(expected.revokedAt(), actual.revokedAt(), "revokedAt");
    assertEquals(expected.revokeReason(), actual.revokeReason(), "revokeReason");
    assertArrayEquals(expected.digest(), actual.digest(), "digest");
    assertArrayEquals(expected.previousDigest(), actual.previousDigest(), "previousDigest");
    assertEquals(expected.previousExpiresAt(), actual.previousExpiresAt(), "previousExpiresAt");
    assertEquals(expected.rotatedAt(), actual.rotatedAt(), "rotatedAt");
    assertEquals(expected.rateLimit(), actual.rateLimit(), "rateLimit");
    assertEquals(expected.limits(), actual.limits(), "limits");
    assertEquals(expected.version(), actual.version(), "version");
  }
}
