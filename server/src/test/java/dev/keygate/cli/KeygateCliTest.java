package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyState;
import dev.keygate.api.v1.ListKeysResponse;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.testing.NettyKeygate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin command line run in process (captured streams, injected environment and stdin) against
 * the real server on a loopback Netty port over a real redis-server.
 */
class KeygateCliTest {
  private static final String SECRET_MARK = "SECRET, shown this once";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static NettyKeygate keygate;
  private static Map<String, String> adminEnv;

  @TempDir Path dir;

  private final AtomicInteger serveCalls = new AtomicInteger();

  @BeforeAll
  static void start() {
    keygate = NettyKeygate.start(Map.of("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "100"));
    adminEnv =
        Map.of(
            "KEYGATE_ADDRESS",
            "127.0.0.1:" + keygate.server.port(),
            "KEYGATE_ADMIN_TOKEN",
            NettyKeygate.ADMIN_TOKEN);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    keygate.close();
  }

  private CliRun cli(Map<String, String> env, String stdin, String... args) {
    return CliRun.run(
        env,
        stdin,
        CLOCK,
        e -> {
          serveCalls.incrementAndGet();
          return 0;
        },
        args);
  }

  private CliRun admin(String... args) {
    return cli(adminEnv, "", args);
  }

  private CliRun check(String key, String... scopes) {
    String[] args = new String[1 + 2 * scopes.length];
    args[0] = "check";
    for (int i = 0; i < scopes.length; i++) {
      args[1 + 2 * i] = "--scope";
      args[2 + 2 * i] = scopes[i];
    }
    // only the address: check needs no admin credential
    return cli(Map.of("KEYGATE_ADDRESS", adminEnv.get("KEYGATE_ADDRESS")), key + "\n", args);
  }

  private CreateKeyResponse create(String project, String name, String... more) throws IOException {
    String[] base = {
      "keys", "create", "--project", project, "--name", name, "--scope", "tasks:read", "-o", "json"
    };
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    CliRun run = admin(args);
    assertEquals(0, run.exit(), run::toString);
    CreateKeyResponse.Builder b = CreateKeyResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), b);
    return b.build();
  }

  @Test
  void keysCreate_table_showsKeyAndSecretOnceMarked() {
    CliRun run =
        admin(
            "keys",
            "create",
            "--project",
            "create-table",
            "--name",
            "billing worker",
            "--scope",
            "tasks:read,tasks:write",
            "--rate-limit",
            "100/1m",
            "--expires-in",
            "1d");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().contains("name:"), run::toString);
    assertTrue(run.out().contains("billing worker"), run::toString);
    assertTrue(run.out().contains("tasks:read tasks:write"), run::toString);
    assertTrue(run.out().contains("100/1m"), run::toString);
    // --expires-in counts from the injected clock
    assertTrue(run.out().contains("2030-01-02T00:00:00Z"), run::toString);
    List<String> lines = run.out().lines().toList();
    int mark =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith(SECRET_MARK)).findFirst().orElseThrow());
    String secret = lines.get(mark + 1);
    assertTrue(secret.startsWith("kg_live_"), run::toString);
    assertEquals(1, run.out().split(secret, -1).length - 1, "the secret appears once");
    assertEquals("", run.err());
    assertEquals(0, check(secret, "tasks:write").exit(), "the printed secret is the key's");
  }

  @Test
  void keysList_json_parsesWithEveryKeysFields() throws IOException {
    CreateKeyResponse a = create("list-json", "first");
    CreateKeyResponse b = create("list-json", "second", "--metadata", "team=billing");
    CliRun run = admin("keys", "list", "--project", "list-json", "-o", "json");
    assertEquals(0, run.exit(), run::toString);
    ListKeysResponse.Builder page = ListKeysResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), page);
    List<ApiKey> keys = page.getKeysList();
    assertEquals(
        List.of(a.getKey().getId(), b.getKey().getId()), keys.stream().map(ApiKey::getId).toList());
    assertEquals(List.of("first", "second"), keys.stream().map(ApiKey::getName).toList());
    assertEquals(List.of("tasks:read"), keys.get(0).getScopesList());
    assertEquals(Map.of("team", "billing"), keys.get(1).getMetadataMap());
    assertEquals(KeyState.KEY_STATE_ACTIVE, keys.get(1).getState());
    assertFalse(run.out().contains(a.getSecret()), "a listing never holds a secret");
  }

  @Test
  void keysList_table_rowPerKeyUnderHeader() throws IOException {
    CreateKeyResponse a = create("list-table", "alpha");
    CreateKeyResponse b = create("list-table", "beta");
    CliRun run = admin("keys", "list", "--project", "list-table");
    assertEquals(0, run.exit(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run::toString);
    assertTrue(lines.get(0).startsWith("ID") && lines.get(0).contains("NAME"), run::toString);
    assertTrue(lines.get(1).startsWith(a.getKey().getId()) && lines.get(1).contains("alpha"));
    assertTrue(lines.get(2).startsWith(b.getKey().getId()) && lines.get(2).contains("beta"));
  }

  @Test
  void keysGet_tableAndJson_showTheKey() throws IOException {
    CreateKeyResponse created = create("get", "lookup");
    String id = created.getKey().getId();
    CliRun table = admin("keys", "get", id);
    assertEquals(0, table.exit(), table::toString);
    assertTrue(table.out().contains("id:") && table.out().contains(id), table::toString);
    assertTrue(table.out().contains("lookup"), table::toString);
    CliRun json = admin("keys", "get", id, "-o", "json");
    ApiKey.Builder key = ApiKey.newBuilder();
    JsonFormat.parser().merge(json.out(), key);
    assertEquals(created.getKey().getPrefix(), key.getPrefix());
    assertEquals("get", key.getProject());
  }

  @Test
  void keysGet_unknownId_exitsRejectedWithKeyNotFound() {
    CliRun run = admin("keys", "get", "AAAAAAAAAAAA");
    assertEquals(ExitCode.REJECTED.code(), run.exit(), run::toString);
    assertTrue(run.err().contains("KEY_NOT_FOUND"), run::toString);
    assertEquals("", run.out());
  }

  @Test
  void revokeThenCheck_exitsUnauthenticatedWithKeyRevoked() throws IOException {
    CreateKeyResponse created = create("revoke", "doomed");
    assertEquals(0, check(created.getSecret()).exit(), "allowed before the revocation");
    CliRun revoke = admin("keys", "revoke", created.getKey().getId(), "--reason", "leaked");
    assertEquals(0, revoke.exit(), revoke::toString);
    assertTrue(
        revoke.out().contains("revoked") && revoke.out().contains("(leaked)"), revoke::toString);
    CliRun run = check(created.getSecret(), "tasks:read");
    assertEquals(3, run.exit(), run::toString);
    assertTrue(run.err().startsWith("keygate: KEY_REVOKED (UNAUTHENTICATED)"), run::toString);
    assertFalse(run.err().contains(created.getSecret()), "the key is never echoed");
    assertEquals("", run.out());
  }

  @Test
  void disableThenCheck_exitsPermissionDeniedUntilEnabled() throws IOException {
    CreateKeyResponse created = create("disable", "paused");
    CliRun disable = admin("keys", "disable", created.getKey().getId(), "--reason", "unpaid");
    assertEquals(0, disable.exit(), disable::toString);
    assertTrue(disable.out().contains("disabled"), disable::toString);
    CliRun refused = check(created.getSecret(), "tasks:read");
    assertEquals(4, refused.exit(), refused::toString);
    assertTrue(
        refused.err().startsWith("keygate: KEY_DISABLED (PERMISSION_DENIED)"), refused::toString);

    CliRun enable = admin("keys", "enable", created.getKey().getId());
    assertEquals(0, enable.exit(), enable::toString);
    assertEquals(0, check(created.getSecret(), "tasks:read").exit(), "allowed again");
  }

  @Test
  void check_missingScope_exitsPermissionDenied() throws IOException {
    CreateKeyResponse created = create("scope", "reader");
    CliRun run = check(created.getSecret(), "tasks:delete");
    assertEquals(4, run.exit(), run::toString);
    assertTrue(run.err().contains("SCOPE_MISSING"), run::toString);
    assertTrue(run.err().contains("missing_scopes: tasks:delete"), run::toString);
  }

  @Test
  void check_overTheRateLimit_exitsResourceExhaustedWithRetryAfter() throws IOException {
    CreateKeyResponse created = create("limited", "once", "--rate-limit", "1/1m");
    CliRun first = check(created.getSecret(), "tasks:read");
    assertEquals(0, first.exit(), first::toString);
    assertTrue(first.out().contains("0 of 1 left"), first::toString);
    CliRun second = check(created.getSecret(), "tasks:read");
    assertEquals(5, second.exit(), second::toString);
    assertTrue(second.err().contains("RATE_LIMITED"), second::toString);
    assertTrue(second.err().contains("retry after:"), second::toString);
  }

  @Test
  void keysCreate_creditsRefillAndCalendarQuota_thenCheckSpendsUntilExhausted() throws IOException {
    CreateKeyResponse created =
        create(
            "credits-cli",
            "metered",
            "--credits",
            "1",
            "--refill",
            "500/monthly@15",
            "--limit",
            "3000/month:global");
    assertEquals(1, created.getKey().getCredits().getRemaining());
    assertEquals(500, created.getKey().getCredits().getRefill().getAmount());
    assertEquals(15, created.getKey().getCredits().getRefill().getAnchorDay());
    assertEquals(
        dev.keygate.api.v1.CalendarPeriod.CALENDAR_PERIOD_MONTH,
        created.getKey().getLimits(0).getCalendar());
    CliRun shown = admin("keys", "get", created.getKey().getId());
    assertTrue(shown.out().contains("3000/month:global"), shown::toString);
    assertTrue(shown.out().contains("refills to 500 monthly on day 15"), shown::toString);
    assertEquals(0, check(created.getSecret()).exit());
    CliRun exhausted = check(created.getSecret());
    assertEquals(ExitCode.RESOURCE_EXHAUSTED.code(), exhausted.exit(), exhausted::toString);
    assertTrue(exhausted.err().contains("CREDITS_EXHAUSTED"), exhausted::toString);
    // a refill without credits, or a malformed one, is a usage error that sends nothing
    CliRun bad =
        admin(
            "keys",
            "create",
            "--project",
            "credits-cli",
            "--name",
            "x",
            "--scope",
            "tasks:read",
            "--refill",
            "5/weekly",
            "--credits",
            "5");
    assertEquals(ExitCode.USAGE.code(), bad.exit(), bad::toString);
    CliRun orphan =
        admin(
            "keys",
            "create",
            "--project",
            "credits-cli",
            "--name",
            "x",
            "--scope",
            "tasks:read",
            "--refill",
            "5/daily");
    assertEquals(ExitCode.USAGE.code(), orphan.exit(), orphan::toString);
  }

  @Test
  void check_json_parsesAsCheckResponse() throws IOException {
    CreateKeyResponse created = create("check-json", "json");
    CliRun run =
        cli(
            Map.of("KEYGATE_ADDRESS", adminEnv.get("KEYGATE_ADDRESS")),
            created.getSecret(),
            "check",
            "-o",
            "json");
    assertEquals(0, run.exit(), run::toString);
    CheckResponse.Builder r = CheckResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), r);
    assertEquals(created.getKey().getId(), r.getKeyId());
    assertEquals(List.of("tasks:read"), r.getGrantedScopesList());
  }

  @Test
  void keysUpdate_changesOnlyTheGivenFields() throws IOException {
    CreateKeyResponse created = create("update", "before", "--description", "kept");
    String id = created.getKey().getId();
    CliRun run =
        admin(
            "keys",
            "update",
            id,
            "--name",
            "after",
            "--scope",
            "tasks:read,tasks:write",
            "-o",
            "json");
    assertEquals(0, run.exit(), run::toString);
    ApiKey.Builder key = ApiKey.newBuilder();
    JsonFormat.parser().merge(run.out(), key);
    assertEquals("after", key.getName());
    assertEquals("kept", key.getDescription());
    assertEquals(List.of("tasks:read", "tasks:write"), key.getScopesList());
    CliRun nothing = admin("keys", "update", id);
    assertEquals(2, nothing.exit(), nothing::toString);
    assertTrue(nothing.err().contains("nothing to change"), nothing::toString);
  }

  @Test
  void keysRotate_secretFile_ownerOnlyAndOldSecretStops() throws IOException {
    CreateKeyResponse created = create("rotate", "rotating");
    Path file = dir.resolve("new-secret");
    CliRun run =
        admin(
            "keys",
            "rotate",
            created.getKey().getId(),
            "--secret-file",
            file.toString(),
            "-o",
            "json");
    assertEquals(0, run.exit(), run::toString);
    String secret = Files.readString(file).strip();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(run.out().contains(secret), "written to the file, shown nowhere");
    RotateKeyResponse.Builder r = RotateKeyResponse.newBuilder();
    JsonFormat.parser().merge(run.out(), r);
    assertEquals("", r.getSecret());
    assertEquals(0, check(secret).exit());
    assertEquals(3, check(created.getSecret()).exit(), "no grace: the old secret stops at once");
    CliRun again =
        admin("keys", "rotate", created.getKey().getId(), "--secret-file", file.toString());
    assertEquals(2, again.exit(), again::toString);
    assertEquals(
        secret, Files.readString(file).strip(), "an existing secret file is never replaced");
    assertEquals(0, check(secret).exit(), "and the refused rotation made no call");
  }

  @Test
  void eventsWatch_printsEachEventOnceFromAfterAndResumes() throws IOException {
    CreateKeyResponse first = create("watched", "first");
    CreateKeyResponse second = create("watched", "second");
    CliRun run = admin("events", "watch", "--project", "watched", "--after", "0-0", "--count", "2");
    assertEquals(0, run.exit(), run::toString);
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run::toString);
    assertTrue(lines.get(0).startsWith("ID TIME ACTION"), run::toString);
    assertTrue(lines.get(1).contains(first.getKey().getId()), run::toString);
    assertTrue(lines.get(2).contains(second.getKey().getId()), run::toString);

    // resume after the first line's id: the second event comes again, nothing before it
    String firstId = lines.get(1).split(" ")[0];
    CreateKeyResponse third = create("watched", "third");
    CliRun resumed =
        admin(
            "events",
            "watch",
            "--project",
            "watched",
            "--after",
            firstId,
            "--count",
            "2",
            "-o",
            "json");
    assertEquals(0, resumed.exit(), resumed::toString);
    List<String> json = resumed.out().lines().toList();
    assertEquals(2, json.size(), resumed::toString);
    assertTrue(json.get(0).contains(second.getKey().getId()), resumed::toString);
    assertTrue(json.get(1).contains(third.getKey().getId()), resumed::toString);
  }

  @Test
  void eventsWatch_otherProjectsKey_exitsPermissionDenied() throws IOException {
    CreateKeyResponse reader = create("watch-reader", "reader", "--scope", "keys:read");
    Path key = dir.resolve("reader.key");
    Files.writeString(key, reader.getSecret());
    CliRun run =
        cli(
            Map.of("KEYGATE_ADDRESS", adminEnv.get("KEYGATE_ADDRESS")),
            "",
            "events",
            "watch",
            "--key-file",
            key.toString(),
            "--project",
            "somebody-else");
    assertEquals(4, run.exit(), run::toString);
    assertTrue(run.err().contains("PROJECT_MISMATCH"), run::toString);
  }

  @Test
  void eventsList_showsTheRevocation() throws IOException {
    CreateKeyResponse created = create("events", "audited");
    admin("keys", "revoke", created.getKey().getId());
    CliRun run = admin("events", "list", "--project", "events", "--action", "revoke");
    assertEquals(0, run.exit(), run::toString);
    List<String> lines = run.out().lines().toList();
    // the header and the revocation only: the filter left the create out
    assertEquals(2, lines.size(), run::toString);
    assertTrue(lines.get(0).startsWith("TIME"), run::toString);
    assertTrue(
        lines.get(1).contains("revoke") && lines.get(1).contains(created.getKey().getId()),
        run::toString);
  }

  @Test
  void keysCreate_noCredential_exitsUsageWithoutCalling() {
    CliRun run =
        cli(
            Map.of("KEYGATE_ADDRESS", adminEnv.get("KEYGATE_ADDRESS")),
            "",
            "keys",
            "create",
            "--project",
            "nocred",
            "--name",
            "x",
            "--scope",
            "a:b");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(run.err().contains("no admin credential"), run::toString);
    CliRun list = admin("keys", "list", "--project", "nocred");
    assertEquals(1, list.out().lines().count(), "no key was created: " + list);
  }

  @Test
  void keysList_wrongToken_exitsUnauthenticated() {
    Map<String, String> env = new HashMap<>(adminEnv);
    env.put("KEYGATE_ADMIN_TOKEN", "not-the-admin-token-at-all");
    CliRun run = cli(env, "", "keys", "list", "--project", "x");
    assertEquals(3, run.exit(), run::toString);
    assertTrue(run.err().contains("ADMIN_CREDENTIAL_INVALID"), run::toString);
    assertFalse(run.err().contains("not-the-admin-token-at-all"), "the credential is never echoed");
  }

  @Test
  void keysList_tokenFile_readsTheCredentialFromTheFile() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, NettyKeygate.ADMIN_TOKEN + "\n");
    CliRun run =
        cli(
            Map.of("KEYGATE_ADDRESS", adminEnv.get("KEYGATE_ADDRESS")),
            "",
            "keys",
            "list",
            "--project",
            "x",
            "--token-file",
            token.toString());
    assertEquals(0, run.exit(), run::toString);
  }

  @Test
  void check_sidecarDown_exitsUnavailable() throws IOException {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliRun run = cli(Map.of("KEYGATE_ADDRESS", "127.0.0.1:" + port), "kg_live_x", "check");
    assertEquals(6, run.exit(), run::toString);
    assertTrue(run.err().contains("UNAVAILABLE"), run::toString);
  }

  @Test
  void completion_printsBashScriptForEveryCommand() {
    CliRun run = cli(Map.of(), "", "completion");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().contains("complete -F"), run::toString);
    assertTrue(run.out().contains("rotate") && run.out().contains("--secret-file"), run::toString);
    assertEquals(0, serveCalls.get());
  }
}
