package dev.keygate.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyKind;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageRecorderTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
  private final InMemoryKeyStore store = new InMemoryKeyStore();

  private void storeKey(String id) {
    store.create(
        new ApiKeyRecord.Builder()
            .id(id)
            .project("p")
            .name("n")
            .scopes(List.of("a:b"))
            .kind(KeyKind.LIVE)
            .prefix("kg_live_" + id)
            .createdAt(T0)
            .updatedAt(T0)
            .digest(new byte[32])
            .version(1)
            .build(),
        null,
        100,
        T0);
  }

  @Test
  void flush_writesSumsAndLatestUse() {
    storeKey("AAAAAAAAAAAA");
    try (UsageRecorder usage = new UsageRecorder(store, Duration.ZERO)) {
      usage.record("AAAAAAAAAAAA", T0.plusSeconds(5));
      usage.record("AAAAAAAAAAAA", T0.plusSeconds(9));
      usage.record("AAAAAAAAAAAA", T0.plusSeconds(7));
      assertEquals(0, store.find("AAAAAAAAAAAA").orElseThrow().usage().total(), "write-behind");
      usage.flush();
      var u = store.find("AAAAAAAAAAAA").orElseThrow().usage();
      assertEquals(3, u.total());
      assertEquals(T0.plusSeconds(9), u.lastUsedAt());
      assertEquals(0, usage.pendingKeys());
    }
  }

  @Test
  void close_flushesWhatIsPending() {
    storeKey("BBBBBBBBBBBB");
    UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
    usage.record("BBBBBBBBBBBB", T0);
    usage.close();
    assertEquals(1, store.find("BBBBBBBBBBBB").orElseThrow().usage().total());
  }

  @Test
  void timer_flushesWithoutBeingAsked() throws Exception {
    storeKey("CCCCCCCCCCCC");
    try (UsageRecorder usage = new UsageRecorder(store, Duration.ofMillis(20))) {
      usage.record("CCCCCCCCCCCC", T0);
      Eventually.await(
          "the flush timer writes the pending use",
          () -> store.find("CCCCCCCCCCCC").orElseThrow().usage().total() > 0);
      assertEquals(1, store.find("CCCCCCCCCCCC").orElseThrow().usage().total());
      assertEquals(0, usage.pendingKeys());
    }
  }

  @Test
  void record_concurrentWithFlushesLosesNothing() throws Exception {
    storeKey("DDDDDDDDDDDD");
    try (UsageRecorder usage = new UsageRecorder(store, Duration.ofMillis(1))) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < 25_000; i++) {
                    usage.record("DDDDDDDDDDDD", T0);
                  }
                });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      usage.flush();
    }
    assertEquals(100_000, store.find("DDDDDDDDDDDD").orElseThrow().usage().total());
    assertEquals(100_000, store.find("DDDDDDDDDDDD").orElseThrow().usage().dayCount());
  }
}
