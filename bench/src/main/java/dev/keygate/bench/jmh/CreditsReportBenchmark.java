package dev.keygate.bench.jmh;

import dev.keygate.audit.InMemoryAuditLog;
import dev.keygate.events.EventSettings;
import dev.keygate.events.InMemoryDueEvents;
import dev.keygate.events.LifecycleEvents;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyKind;
import dev.keygate.store.InMemoryKeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * What the decision path pays to report a key's credits ({@link LifecycleEvents#creditsSpent}):
 * above the low threshold (the usual case), and below it once the crossing was reported (every
 * later spend of the period). Neither touches Redis.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CreditsReportBenchmark {
  private LifecycleEvents lifecycle;
  private ApiKeyRecord key;

  @Setup
  public void setUp() {
    InMemoryAuditLog log = new InMemoryAuditLog(1000);
    lifecycle =
        new LifecycleEvents(
            new InMemoryDueEvents(),
            log,
            new InMemoryKeyStore(),
            Clock.systemUTC(),
            EventSettings.fromEnv(Map.of()));
    key =
        new ApiKeyRecord.Builder()
            .id("AAAAAAAAAAAA")
            .project("bench")
            .name("bench")
            .scopes(List.of("tasks:read"))
            .kind(KeyKind.LIVE)
            .prefix("kg_live_AAAA")
            .createdAt(Instant.EPOCH)
            .updatedAt(Instant.EPOCH)
            .digest(new byte[32])
            .build();
    lifecycle.creditsSpent(key, 5, 100, "2026-12"); // the crossing, reported once
  }

  @TearDown
  public void tearDown() {
    lifecycle.close();
  }

  @Benchmark
  public void aboveThreshold() {
    lifecycle.creditsSpent(key, 900, 1000, "2026-12");
  }

  @Benchmark
  public void belowThresholdAlreadyReported() {
    lifecycle.creditsSpent(key, 4, 100, "2026-12");
  }
}
