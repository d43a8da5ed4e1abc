package dev.keygate.bench.jmh;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.access.ProjectAllowlists;
import dev.keygate.authz.AdminToken;
import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.authz.DecisionObserver;
import dev.keygate.authz.Surface;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.usage.UsageRecorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Authorizer#decide} on a cache hit: parse, digest, cache lookup, scope match, usage count —
 * everything Authorize does besides gRPC. The cache fronts an in-memory store and is switched on by
 * hand (no Redis listener), which is what a hit costs either way.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmark {
  private Authorizer authorizer;
  private CachingKeyStore cache;
  private UsageRecorder usage;
  private String secret;
  private String unknown;
  private final List<String> required = List.of("tasks:read");

  private static final Call CALL = Call.of(Surface.AUTHORIZE);

  @Setup
  public void setUp() {
    KeyFormat format = new KeyFormat("kg", new SecureRandom());
    KeyHasher hasher =
        new KeyHasher("bench-pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    cache =
        new CachingKeyStore(
            new InMemoryKeyStore(),
            new CachingKeyStore.Settings(100_000, Duration.ofSeconds(10), Duration.ofSeconds(1)),
            Ticker.systemTicker());
    cache.connected();
    String id = format.newKeyId();
    secret = format.newSecret(KeyKind.LIVE, id);
    unknown = format.newSecret(KeyKind.LIVE, format.newKeyId());
    Instant now = Instant.now();
    cache.create(
        new ApiKeyRecord.Builder()
            .id(id)
            .project("bench")
            .name("bench")
            .scopes(List.of("tasks:read", "tasks:write"))
            .kind(KeyKind.LIVE)
            .prefix(format.displayPrefix(KeyKind.LIVE, id))
            .createdAt(now)
            .updatedAt(now)
            .digest(hasher.digest(secret))
            .version(1)
            .build(),
        "",
        10,
        now);
    usage = new UsageRecorder(cache, Duration.ofSeconds(1));
    authorizer =
        new Authorizer(
            format,
            hasher,
            cache.reader(),
            new LimitEvaluator(
                new RateLimits(), Optional.empty(), false, null, List.of(), Clock.systemUTC()),
            usage,
            Clock.systemUTC(),
            KeyKind.LIVE,
            FailureThrottle.disabled(),
            DecisionObserver.NONE,
            AdminToken.none(),
            Duration.ofSeconds(2),
            ProjectAllowlists.NONE);
  }

  @TearDown
  public void tearDown() {
    usage.close();
    cache.close();
  }

  @Benchmark
  public Decision decideCacheHit() {
    // a hit completes on the calling thread: join() only unwraps it
    return authorizer.decide(secret, required, CALL).toCompletableFuture().join();
  }

  @Benchmark
  public Decision decideUnknownKeyNegativeCached() {
    return authorizer.decide(unknown, required, CALL).toCompletableFuture().join();
  }
}
