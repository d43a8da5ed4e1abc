package dev.keygate.bench.jmh;

import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.ParsedKey;
import dev.keygate.key.Scopes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The pieces of one decision: key parsing with checksum, the HMAC digest, scope matching. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyPathBenchmark {
  private KeyFormat format;
  private KeyHasher hasher;
  private String secret;
  private String corrupted;
  private List<String> granted;
  private List<String> required;

  @Setup
  public void setUp() {
    format = new KeyFormat("kg", new SecureRandom());
    hasher = new KeyHasher("bench-pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    secret = format.newSecret(KeyKind.LIVE, format.newKeyId());
    // one character changed: the checksum must reject it
    char c = secret.charAt(20);
    corrupted = secret.substring(0, 20) + (c == 'a' ? 'b' : 'a') + secret.substring(21);
    granted = List.of("tasks:read", "tasks:write", "projects:*", "billing:read");
    required = List.of("tasks:read", "projects:delete");
  }

  @Benchmark
  public Optional<ParsedKey> parseValidKey() {
    return format.parse(secret);
  }

  @Benchmark
  public Optional<ParsedKey> parseCorruptedKey() {
    return format.parse(corrupted);
  }

  @Benchmark
  public byte[] hmacDigest() {
    return hasher.digest(secret);
  }

  @Benchmark
  public List<String> scopeMatch() {
    return Scopes.missing(granted, required);
  }
}
