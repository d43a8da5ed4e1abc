package dev.keygate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.ImportedKey;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.key.KeyHasher;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.Stores;
import dev.keygate.testing.NettyKeygate;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code keygate keys import} against the real server over Netty and Redis: a file of plain and
 * legacy-digest keys (and two bad lines) imports, the bad lines are reported by number, every key
 * authorizes afterwards, a legacy key is upgraded on first use, a second run changes nothing, and
 * no secret appears in Redis, the command's output or the server's log.
 *
 * <p>{@code -Dkeygate.import.keys=100000} makes it the measured run of docs/performance.md (the
 * suite imports {@value #DEFAULT_KEYS}).
 */
class KeyImportCliTest {
  static final int DEFAULT_KEYS = 2000;
  private static final int KEYS = Integer.getInteger("keygate.import.keys", DEFAULT_KEYS);
  private static final String PEPPER = "netty-pepper-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void keysImport_file_everyKeyAuthorizesLegacyUpgradedNoSecretAnywhere() throws Exception {
    ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, serverLog), true, StandardCharsets.UTF_8));
    try (NettyKeygate kg =
        NettyKeygate.start(
            Map.of(
                "KEYGATE_IMPORT_KEY_PREFIXES", "sk_live_",
                "KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "1000000",
                "KEYGATE_REDIS_TIMEOUT", "2s"))) {
      run(kg, serverLog);
    } finally {
      System.setErr(originalErr);
    }
  }

  private void run(NettyKeygate kg, ByteArrayOutputStream serverLog) throws Exception {
    SecureRandom random = new SecureRandom();
    List<String> secrets = new ArrayList<>(KEYS);
    List<String> legacy = new ArrayList<>();
    Path file = dir.resolve("keys.jsonl");
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < KEYS; i++) {
        String secret = "sk_live_" + token(random);
        secrets.add(secret);
        ImportedKey.Builder r =
            ImportedKey.newBuilder()
                .setExternalId("cust-" + i)
                .setKey(
                    CreateKeyRequest.newBuilder()
                        .setProject("p" + (i % 10))
                        .setName("imported " + i)
                        .addScopes("tasks:read"));
        if (i % 100 == 0) {
          // one in a hundred from a system that kept only unpeppered SHA-256 digests
          r.setLegacySha256(HexFormat.of().formatHex(sha256(secret))).setLegacyPrefix("sk_live_");
          legacy.add(secret);
        } else {
          r.setPlainSecret(secret);
        }
        out.write(printer.print(r));
        out.newLine();
        if (i == 10) {
          out.write("{\"externalId\": \"broken\", \"plainSecret\": \"sk_live_x\"");
          out.newLine();
          out.write(
              printer.print(
                  ImportedKey.newBuilder()
                      .setExternalId("no-scopes")
                      .setKey(CreateKeyRequest.newBuilder().setProject("p1").setName("x"))
                      .setPlainSecret("sk_live_" + token(random))));
          out.newLine();
        }
      }
    }
    Map<String, String> env =
        Map.of(
            "KEYGATE_ADDRESS",
            "127.0.0.1:" + kg.server.port(),
            "KEYGATE_ADMIN_TOKEN",
            NettyKeygate.ADMIN_TOKEN,
            "KEYGATE_TIMEOUT",
            "60s");

    long start = System.nanoTime();
    CliRun first =
        CliRun.run(
            env,
            "",
            Clock.systemUTC(),
            e -> 0,
            "keys",
            "import",
            "--timeout",
            "60s",
            file.toString());
    double seconds = (System.nanoTime() - start) / 1e9;
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    originalOut()
        .printf(
            "keys import: %d keys in %.1f s = %.0f keys/s (load average %s)%n",
            KEYS, seconds, KEYS / seconds, load);

    assertEquals(ExitCode.REJECTED.code(), first.exit(), first::toString);
    assertTrue(
        first.out().contains("imported: " + KEYS + ", already imported: 0, rejected: 2"),
        first::toString);
    assertTrue(first.err().contains("line 12: INVALID_LINE"), first::toString);
    assertTrue(first.err().contains("line 13 (no-scopes): INVALID_ARGUMENT"), first::toString);
    assertTrue(
        first.err().contains("] " + (KEYS + 2) + "/" + (KEYS + 2)), "the progress bar ends full");

    AuthorizeGrpc.AuthorizeBlockingStub authorize = AuthorizeGrpc.newBlockingStub(kg.channel);
    RedisKeyStore store = (RedisKeyStore) Stores.backing(kg.server.app().store());
    String legacyId = authorize.check(checkOf(legacy.get(0))).getKeyId();
    assertArrayEquals(
        new KeyHasher(PEPPER.getBytes(StandardCharsets.UTF_8)).digest(legacy.get(0)),
        store.find(legacyId).orElseThrow().digest(),
        "the legacy key's stored digest is keygate's HMAC after its first use");
    assertEquals(KEYS, authorizeAll(authorize, secrets), "every imported key authorizes");

    CliRun again =
        CliRun.run(
            env,
            "",
            Clock.systemUTC(),
            e -> 0,
            "keys",
            "import",
            "--timeout",
            "60s",
            file.toString());
    assertTrue(
        again.out().contains("imported: 0, already imported: " + KEYS + ", rejected: 2"),
        again::toString);
    long stored = 0;
    for (int p = 0; p < 10; p++) {
      String token = "";
      do {
        var page =
            kg.admin()
                .listKeys(
                    ListKeysRequest.newBuilder()
                        .setProject("p" + p)
                        .setPageSize(1000)
                        .setPageToken(token)
                        .build());
        stored += page.getKeysCount();
        token = page.getNextPageToken();
      } while (!token.isEmpty());
    }
    assertEquals(KEYS, stored, "a second run imports nothing twice");

    String everything = first + "\n" + again + "\n" + serverLog.toString(StandardCharsets.UTF_8);
    assertTrue(
        serverLog.toString(StandardCharsets.UTF_8).contains("upgraded from its legacy SHA-256"),
        "the server's log was captured");
    List<String> sample = secrets.subList(0, Math.min(secrets.size(), 500));
    for (String secret : sample) {
      String secretPart = secret.substring("sk_live_".length());
      assertTrue(!everything.contains(secretPart), "a secret in the output or log");
    }
    assertNoSecretInRedis(kg.redis.url(), sample);
  }

  private static int authorizeAll(
      AuthorizeGrpc.AuthorizeBlockingStub authorize, List<String> secrets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger ok = new AtomicInteger();
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < secrets.size(); i += 4) {
                    if (!authorize.check(checkOf(secrets.get(i))).getKeyId().isEmpty()) {
                      ok.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return ok.get();
  }

  private static void assertNoSecretInRedis(String url, List<String> secrets) {
    try (Jedis jedis = new Jedis(java.net.URI.create(url))) {
      StringBuilder all = new StringBuilder();
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
        for (String key : page.getResult()) {
          all.append(key).append('\n');
          String type = jedis.type(key);
          if (type.equals("hash")) {
            all.append(jedis.hgetAll(key)).append('\n');
          } else if (type.equals("string")) {
            all.append(jedis.get(key)).append('\n');
          } else if (type.equals("stream")) {
            jedis.xrange(key, "-", "+").forEach(e -> all.append(e.getFields()).append('\n'));
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      String text = all.toString();
      assertTrue(text.length() > 1000, "Redis was read");
      for (String secret : secrets) {
        assertTrue(!text.contains(secret.substring("sk_live_".length())), "a secret in Redis");
      }
    }
  }

  private static CheckRequest checkOf(String secret) {
    return CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build();
  }

  private static String token(SecureRandom random) {
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder b = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static byte[] sha256(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
  }

  private static PrintStream originalOut() {
    return System.out;
  }

  /** Writes to both streams: the log still shows, and the test reads it. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }
  }
}
