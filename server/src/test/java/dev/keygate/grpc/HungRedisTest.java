package dev.keygate.grpc;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.key.KeyFormat;
import dev.keygate.testing.EnvoyRequests;
import dev.keygate.testing.Health;
import dev.keygate.testing.NettyKeygate;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Redis that hangs rather than dies: the real server on a Netty port over a redis-server of its
 * own that the test SIGSTOPs ({@code redis.pause()}: the kernel still accepts connections and
 * buffers commands, nothing is ever answered until SIGCONT). A hang is worse than an outage, where
 * connections are refused at once: every read waits for the full Redis timeout. The contract these
 * tests hold the decision path to:
 *
 * <ul>
 *   <li>every call ends, answered UNAVAILABLE (STORE_UNAVAILABLE) or by its own deadline, never OK
 *       (nothing is cached here, so an OK would be an answer made up without the store), within
 *       {@code max(deadline, 2 x KEYGATE_REDIS_TIMEOUT)} plus a fixed slack;
 *   <li>once keygate knows Redis hangs, calls are refused at once instead of queueing behind the
 *       hung reads;
 *   <li>the threads in use stay within a fixed bound however many calls wait;
 *   <li>a read whose call is already over (its deadline passed) is never sent;
 *   <li>no Netty event loop ever waits for Redis;
 *   <li>after SIGCONT, keys are allowed again without a restart.
 * </ul>
 */
class HungRedisTest {
  /**
   * Added to every per-call answer bound: the machine running the suite has 2 cores shared with
   * other builds, so a call answered on time by the server can still reach the test a little late.
   */
  private static final long SLACK_MILLIS = 500;

  private static final String SCOPE = "tasks:read";

  /** The storm's Redis timeout: every read sent to the hung Redis waits this long, then fails. */
  private static final Duration STORM_REDIS_TIMEOUT = Duration.ofMillis(500);

  /** Each storm call's gRPC deadline. */
  private static final Duration STORM_DEADLINE = Duration.ofSeconds(1);

  /** Keys the storm spreads its calls over; none is ever cached (KEYGATE_CACHE_MAX_KEYS=0). */
  private static final int STORM_KEYS = 400;

  /** Calls fired the moment Redis hangs. */
  private static final int FIRST_WAVE = 1_800;

  /**
   * Calls fired {@link #SECOND_WAVE_AFTER} into the hang, when keygate must know it hangs. Fired at
   * once, they queue in the client and on the server's event loop even when each is refused in
   * microseconds; 200 keeps that queue, not keygate, from deciding the measure on a 2-core machine.
   */
  private static final int SECOND_WAVE = 200;

  /**
   * Three Redis timeouts into the hang: by then the first wave's reads have timed out, so keygate
   * has seen the hang (a breaker is open) and has no reason to send more reads into it.
   */
  private static final Duration SECOND_WAVE_AFTER = Duration.ofMillis(1_500);

  /**
   * What "refused at once" means for a second-wave call, for the report only: how fast is the
   * benchmark's business (scenario h), and a share within a time flakes on a busy machine.
   */
  private static final long FAST_ANSWER_MILLIS = 50;

  /**
   * Share of the second wave that the open breaker must refuse without sending or queueing a read
   * (a few may race the breaker's probe): the mechanism that makes the refusal fast, counted rather
   * than timed.
   */
  private static final double REFUSED_SHARE = 0.90;

  /**
   * Most live JVM threads the storm may add over the count before Redis hung. A fixed allowance
   * that must not grow with the number of calls: room for a bounded pool of workers for store reads
   * (the Redis pool has 16 connections for calls, so more threads blocked on Redis could not make
   * progress anyway), a timer or breaker probe, a reconnect, event loops of gRPC's shared group (2
   * x cores, started lazily, shared by client and server in this JVM) and JVM housekeeping. One
   * thread per waiting call would need about 2,000.
   */
  private static final int THREAD_HEADROOM = 40;

  /** How often the live thread count is sampled during the storm. */
  private static final long SAMPLE_MILLIS = 20;

  /** Generous limit for all 2,000 calls to end: only keeps a broken build from hanging. */
  private static final Duration STORM_WAIT = Duration.ofSeconds(30);

  /** After SIGCONT a good key must be allowed again within this (polled every 20 ms). */
  private static final Duration RECOVERY = Duration.ofSeconds(3);

  private static final long RECOVERY_POLL_MILLIS = 20;

  /**
   * The Redis timeout of the single-hang tests: long, so that a read sent into the hang is surely
   * still in flight while the test looks (calls fired ~300 ms into the hang).
   */
  private static final Duration SLOW_REDIS_TIMEOUT = Duration.ofSeconds(2);

  /** The short deadline of the call whose read must never be sent. */
  private static final Duration SHORT_DEADLINE = Duration.ofMillis(50);

  /** Misses left waiting while the threads are inspected. */
  private static final int WAITING_CALLS = 50;

  /**
   * Most threads named keygate-* while {@link #WAITING_CALLS} misses wait for the hung Redis: the
   * six fixed ones (health, usage flush, audit writer, batch collector, invalidation listener and
   * its watchdog) plus a bounded worker pool (16 Redis connections for calls, so no more than 16
   * blocked workers can make progress) and a few spare; below {@link #WAITING_CALLS}, so one worker
   * per waiting call cannot pass.
   */
  private static final int KEYGATE_THREADS_MAX = 32;

  /** Thread dumps taken while the calls wait, {@link #DUMP_EVERY_MILLIS} apart. */
  private static final int DUMPS = 10;

  private static final long DUMP_EVERY_MILLIS = 20;

  /** Deadline of the ext_authz Check: longer than 2 x the Redis timeout (see that test). */
  private static final Duration ENVOY_DEADLINE = Duration.ofSeconds(2);

  private static final String OK = "OK";
  private static final String STORE_UNAVAILABLE = "UNAVAILABLE STORE_UNAVAILABLE";
  private static final String DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED";

  /** gRPC's Netty event loop threads: grpc-default-worker-ELG-1-2, grpc-nio-boss-ELG-1-1, ... */
  private static final Pattern EVENT_LOOP_NAME = Pattern.compile("grpc-.*-ELG-.*");

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private NettyKeygate kg;
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** True from SIGSTOP until just before SIGCONT; answers note it. */
  private volatile boolean paused;

  @AfterEach
  void stop() throws InterruptedException {
    if (kg == null) {
      return;
    }
    if (paused) {
      resume(); // a failed test must not leave keygate's shutdown waiting on a stopped Redis
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    kg.close();
  }

  @Test
  void check_hungRedisStorm_answersEveryCallWithinItsBoundWithBoundedThreads() throws Exception {
    start(STORM_REDIS_TIMEOUT, Map.of("KEYGATE_CACHE_MAX_KEYS", "0"));
    List<String> keys = secrets(createKeys(STORM_KEYS));
    AuthorizeGrpc.AuthorizeStub stub = AuthorizeGrpc.newStub(channel());
    // warm: the connections, pools and event loops a call needs exist before the count is taken
    assertEquals(
        OK, check(stub, keys.get(0), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).outcome);

    List<CompletableFuture<Answer>> firstWave;
    List<CompletableFuture<Answer>> secondWave;
    int threadsBefore;
    int threadsPeak;
    double breakerRejectedBefore;
    try (ThreadSampler sampler = new ThreadSampler()) {
      Thread.sleep(200); // the warm-up's stragglers
      threadsBefore = THREADS.getThreadCount(); // includes the sampler's own thread
      sampler.start();
      pause();
      long hangStart = System.nanoTime();
      firstWave = fire(stub, keys, 0, FIRST_WAVE);
      sleepUntil(hangStart + SECOND_WAVE_AFTER.toNanos());
      breakerRejectedBefore =
          sample(kg.server.app().metrics().scrape(), "keygate_redis_breaker_rejected_total");
      secondWave = fire(stub, keys, FIRST_WAVE, SECOND_WAVE);
      List<CompletableFuture<Answer>> all = new ArrayList<>(firstWave);
      all.addAll(secondWave);
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
            .get(STORM_WAIT.toMillis(), MILLISECONDS);
      } catch (TimeoutException e) {
        // reported below with the count still outstanding
      }
      threadsPeak = sampler.stop();
    }
    int outstanding = (int) concat(firstWave, secondWave).stream().filter(f -> !f.isDone()).count();
    List<Answer> answers = answered(concat(firstWave, secondWave));
    List<Answer> second = answered(secondWave);
    // what an operator sees meanwhile: the breaker's refusals, counted
    String scrape = kg.server.app().metrics().scrape();
    double breakerRejected = sample(scrape, "keygate_redis_breaker_rejected_total");

    resume();
    long resumed = System.nanoTime();
    String recovered = null;
    while (System.nanoTime() - resumed < RECOVERY.toNanos()) {
      Answer a = check(stub, keys.get(1), STORM_DEADLINE).get(10, TimeUnit.SECONDS);
      if (a.outcome.equals(OK)) {
        recovered = "allowed " + NANOSECONDS.toMillis(a.endNanos - resumed) + " ms after SIGCONT";
        break;
      }
      Thread.sleep(RECOVERY_POLL_MILLIS);
    }

    long bound =
        Math.max(STORM_DEADLINE.toMillis(), 2 * STORM_REDIS_TIMEOUT.toMillis()) + SLACK_MILLIS;
    List<Answer> late = answers.stream().filter(a -> a.millis() > bound).toList();
    Map<String, Long> outcomes =
        answers.stream().collect(Collectors.groupingBy(a -> a.outcome, Collectors.counting()));
    List<Answer> wrong =
        answers.stream()
            .filter(
                a -> !a.outcome.equals(STORE_UNAVAILABLE) && !a.outcome.equals(DEADLINE_EXCEEDED))
            .toList();
    long okWhilePaused =
        answers.stream().filter(a -> a.outcome.equals(OK) && a.whilePaused).count();
    long fast = second.stream().filter(a -> a.millis() <= FAST_ANSWER_MILLIS).count();
    long refusedNeeded = (long) Math.ceil(REFUSED_SHARE * SECOND_WAVE);
    // the first wave's calls all ended by their 1 s deadline before the second was fired, so what
    // the breaker refused since then is the second wave's (the recovery checks come after)
    double refusedByBreaker = breakerRejected - breakerRejectedBefore;
    String summary =
        String.format(
            "storm: %d calls, outcomes %s, outstanding %d, latency p50/p99/max %d/%d/%d ms, "
                + "second wave within %d ms: %d of %d (p50 %d ms), refused by the breaker %.0f, "
                + "threads %d -> peak %d, %s",
            FIRST_WAVE + SECOND_WAVE,
            outcomes,
            outstanding,
            percentile(answers, 0.50),
            percentile(answers, 0.99),
            percentile(answers, 1.0),
            FAST_ANSWER_MILLIS,
            fast,
            second.size(),
            percentile(second, 0.50),
            refusedByBreaker,
            threadsBefore,
            threadsPeak,
            recovered == null ? "not allowed within " + RECOVERY.toMillis() + " ms" : recovered);
    System.out.println(summary);

    String recoveredFinal = recovered;
    assertAll(
        summary,
        () ->
            assertTrue(
                breakerRejected > 0,
                "keygate_redis_breaker_rejected_total during the hang: " + breakerRejected),
        () -> assertEquals(0, outstanding, outstanding + " calls not ended after " + STORM_WAIT),
        () -> assertEquals(0, okWhilePaused, okWhilePaused + " calls allowed while Redis hung"),
        () ->
            assertEquals(
                List.of(),
                first(wrong, 10),
                wrong.size()
                    + " calls answered other than "
                    + STORE_UNAVAILABLE
                    + " or "
                    + DEADLINE_EXCEEDED),
        () ->
            assertEquals(
                List.of(),
                first(late, 10),
                late.size() + " calls answered after their bound of " + bound + " ms"),
        () ->
            assertTrue(
                refusedByBreaker >= refusedNeeded,
                "calls fired "
                    + SECOND_WAVE_AFTER.toMillis()
                    + " ms into the hang and refused by the open breaker, no read sent: "
                    + refusedByBreaker
                    + " of "
                    + SECOND_WAVE
                    + ", need "
                    + refusedNeeded),
        () ->
            assertTrue(
                threadsPeak <= threadsBefore + THREAD_HEADROOM,
                "live threads "
                    + threadsBefore
                    + " before the hang, peak "
                    + threadsPeak
                    + " during the storm; allowed "
                    + (threadsBefore + THREAD_HEADROOM)),
        () ->
            assertTrue(
                recoveredFinal != null,
                "a good key was not allowed within " + RECOVERY.toMillis() + " ms of SIGCONT"));
  }

  /**
   * A call whose deadline passes while its read waits behind a hung one must be answered by its
   * deadline, and its read must never be sent: after SIGCONT, Redis would otherwise execute reads
   * for calls long over, and a hang would leave a backlog of dead work behind it.
   *
   * <p>How "never sent" is observed exactly: a MONITOR connection, opened while Redis still
   * answers, sees every command Redis executes. A stopped Redis executes nothing; after SIGCONT it
   * works through what its clients had written in the meantime, and the monitor sees each of those
   * commands. Once the test's own ECHO (sent on a fresh connection after everything settled) shows
   * up in the monitor, every command keygate sent before it has been executed and shown. The
   * short-deadline call's key is used by no other call and was created before the monitor opened,
   * so its record key ({@code kg:key:{<id>}}) appearing in any monitored command means keygate read
   * it. As a check that the method sees reads made during the hang, the blocking call's record key
   * must appear.
   */
  @Test
  void check_shortDeadlineDuringHang_answeredByDeadlineAndReadNeverSent() throws Exception {
    start(SLOW_REDIS_TIMEOUT, Map.of());
    List<CreateKeyResponse> created = createKeys(2);
    String blockingKey = created.get(0).getSecret();
    String shortKey = created.get(1).getSecret();
    String blockingRecord = recordKey(created.get(0));
    String shortRecord = recordKey(created.get(1));
    AuthorizeGrpc.AuthorizeStub stub = AuthorizeGrpc.newStub(channel());

    Answer quick;
    Answer blocked;
    List<String> executed;
    try (Monitor monitor = Monitor.open(kg.redis.port())) {
      pause();
      // a read sent into the hang: in flight for the whole SLOW_REDIS_TIMEOUT
      CompletableFuture<Answer> blocking = check(stub, blockingKey, Duration.ofSeconds(10));
      Thread.sleep(300);
      assertFalse(
          blocking.isDone(),
          () -> "precondition: the blocking call ended during the hang: " + blocking.join());
      quick = check(stub, shortKey, SHORT_DEADLINE).get(10, TimeUnit.SECONDS);
      // the short call is over; its cancellation has reached the server long before SIGCONT
      Thread.sleep(200);
      resume();
      blocked = blocking.get(15, TimeUnit.SECONDS);
      // whatever keygate still had queued is sent right after SIGCONT; give it a Redis timeout
      Thread.sleep(SLOW_REDIS_TIMEOUT.toMillis());
      executed = monitor.untilMarker(kg.redis.port());
    }
    long bound = SHORT_DEADLINE.toMillis() + SLACK_MILLIS;
    List<String> shortReads =
        executed.stream()
            .filter(l -> l.contains(shortRecord))
            .map(l -> l.length() > 160 ? l.substring(0, 160) + "..." : l)
            .toList();
    System.out.printf(
        "short deadline: %s in %d ms; blocking call %s in %d ms; %d commands executed after "
            + "SIGCONT, %d naming the short call's key%n",
        quick.outcome,
        quick.millis(),
        blocked.outcome,
        blocked.millis(),
        executed.size(),
        shortReads.size());
    assertAll(
        () ->
            assertTrue(
                quick.outcome.equals(DEADLINE_EXCEEDED) || quick.outcome.equals(STORE_UNAVAILABLE),
                "short-deadline call answered " + quick.outcome),
        () ->
            assertTrue(
                quick.millis() <= bound,
                "short-deadline call answered after " + quick.millis() + " ms, bound " + bound),
        () ->
            assertTrue(
                executed.stream().anyMatch(l -> l.contains(blockingRecord)),
                "the monitor did not see the blocking call's read; method broken? " + executed),
        () ->
            assertEquals(
                List.of(),
                first(shortReads, 5),
                "the short-deadline call's key was read (sent into the hang, or sent after its"
                    + " call was over) and more done with it; commands executed after SIGCONT"));
  }

  @Test
  void check_transportThread_neverParksWhileRedisHangs() throws Exception {
    start(SLOW_REDIS_TIMEOUT, Map.of());
    List<String> keys = secrets(createKeys(WAITING_CALLS + 1));
    AuthorizeGrpc.AuthorizeStub stub = AuthorizeGrpc.newStub(channel());
    // warm with a key of its own: the waiting calls' keys are never checked before, so all miss
    assertEquals(
        OK,
        check(stub, keys.get(WAITING_CALLS), Duration.ofSeconds(5))
            .get(10, TimeUnit.SECONDS)
            .outcome);

    pause();
    List<CompletableFuture<Answer>> waiting = new ArrayList<>();
    for (int i = 0; i < WAITING_CALLS; i++) {
      waiting.add(check(stub, keys.get(i), Duration.ofSeconds(10)));
    }
    Thread.sleep(300); // the server has read them all; their reads are far from timing out

    List<String> parked = new ArrayList<>();
    TreeSet<String> eventLoops = new TreeSet<>();
    int keygatePeak = 0;
    List<String> keygateAtPeak = List.of();
    for (int d = 0; d < DUMPS; d++) {
      Map<Long, Thread> byId =
          Thread.getAllStackTraces().keySet().stream()
              .collect(Collectors.toMap(Thread::getId, Function.identity(), (a, b) -> a));
      List<String> keygate = new ArrayList<>();
      for (ThreadInfo info : THREADS.dumpAllThreads(false, false)) {
        String name = info.getThreadName();
        if (name.toLowerCase(Locale.ROOT).contains("keygate")) {
          keygate.add(name);
        }
        if (isEventLoop(byId.get(info.getThreadId()), name)) {
          eventLoops.add(name);
          String where = waitsOnKeygate(info);
          if (where != null) {
            parked.add(name + " " + where);
          }
        }
      }
      if (keygate.size() > keygatePeak) {
        keygatePeak = keygate.size();
        keygateAtPeak = keygate;
      }
      Thread.sleep(DUMP_EVERY_MILLIS);
    }
    long endedDuringDumps = waiting.stream().filter(CompletableFuture::isDone).count();

    resume();
    CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    int peak = keygatePeak;
    String peakNames = new TreeSet<>(keygateAtPeak).toString();
    System.out.printf(
        "transport: event loops %s, parked %s, keygate threads at peak %d %s%n",
        eventLoops, parked, peak, peakNames);
    assertAll(
        () ->
            assertEquals(
                0,
                endedDuringDumps,
                "precondition: all " + WAITING_CALLS + " misses wait while the threads are read"),
        () -> assertFalse(eventLoops.isEmpty(), "no gRPC event loop thread found"),
        () ->
            assertEquals(
                List.of(),
                first(parked, 10),
                "event loops in Redis or waiting inside keygate while Redis hangs"),
        () ->
            assertTrue(
                peak <= KEYGATE_THREADS_MAX,
                peak
                    + " keygate threads while "
                    + WAITING_CALLS
                    + " misses wait, at most "
                    + KEYGATE_THREADS_MAX
                    + ": "
                    + peakNames));
  }

  /**
   * Envoy's ext_authz Check for a key that is not cached, while Redis hangs, stays an RPC error
   * (UNAVAILABLE, so Envoy's failure_mode_allow decides; never a denial, never an OK), answered by
   * the server. Its deadline is longer than 2 x the Redis timeout, where the bound {@code
   * max(deadline, 2 x timeout)} would only restate the deadline: the server's own bound, 2 x the
   * timeout plus the slack, is what is checked.
   */
  @Test
  void envoyCheck_uncachedKeyDuringHang_unavailableWithinBound() throws Exception {
    start(STORM_REDIS_TIMEOUT, Map.of());
    Health.await(
        kg.channel, AuthorizationGrpc.SERVICE_NAME, ServingStatus.SERVING, Duration.ofSeconds(15));
    String secret = createKeys(1).get(0).getSecret();
    var envoy = AuthorizationGrpc.newBlockingStub(channel());

    pause();
    long start = System.nanoTime();
    String outcome;
    try {
      var response =
          envoy
              .withDeadlineAfter(ENVOY_DEADLINE.toMillis(), MILLISECONDS)
              .check(envoyRequest(secret));
      outcome = "a CheckResponse with status " + response.getStatus().getCode();
    } catch (StatusRuntimeException e) {
      outcome = outcome(e);
    }
    long millis = NANOSECONDS.toMillis(System.nanoTime() - start);
    resume();

    long bound = 2 * STORM_REDIS_TIMEOUT.toMillis() + SLACK_MILLIS;
    String answered = outcome;
    System.out.printf("ext_authz during hang: %s in %d ms%n", answered, millis);
    assertAll(
        () -> assertEquals(STORE_UNAVAILABLE, answered, "ext_authz Check during the hang"),
        () ->
            assertTrue(
                millis <= bound,
                "ext_authz Check answered after " + millis + " ms, bound " + bound));
  }

  // --- fixture -------------------------------------------------------------------------------

  private void start(Duration redisTimeout, Map<String, String> extra) throws InterruptedException {
    Map<String, String> env = new HashMap<>(extra);
    env.put("KEYGATE_REDIS_TIMEOUT", redisTimeout.toMillis() + "ms");
    env.put("KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT", "1000");
    kg = NettyKeygate.start(env);
    Health.await(kg.channel, "", ServingStatus.SERVING, Duration.ofSeconds(15));
  }

  /**
   * A channel of the test's own; answers are delivered on its event loop ({@code directExecutor}),
   * so the client side adds no thread per call to the JVM's count.
   */
  private ManagedChannel channel() {
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", kg.server.port())
            .usePlaintext()
            .directExecutor()
            .build();
    channels.add(c);
    return c;
  }

  private void pause() {
    kg.redis.pause();
    paused = true;
  }

  private void resume() {
    paused = false; // first: an answer racing SIGCONT is not counted as made during the hang
    kg.redis.resume();
  }

  private List<CreateKeyResponse> createKeys(int n) {
    var admin = kg.admin();
    List<CreateKeyResponse> created = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      created.add(
          admin.createKey(
              CreateKeyRequest.newBuilder()
                  .setProject("hung")
                  .setName("k" + i)
                  .addScopes(SCOPE)
                  .build()));
    }
    return created;
  }

  private static List<String> secrets(List<CreateKeyResponse> created) {
    return created.stream().map(CreateKeyResponse::getSecret).toList();
  }

  /**
   * The key's record in Redis: {@code kg:key:{<id>}}, the id being the 12 characters after {@code
   * kg_live_} in the presented key (KeyFormat).
   */
  private static String recordKey(CreateKeyResponse created) {
    String id = created.getKey().getId();
    String secret = created.getSecret();
    int idStart = "kg_live_".length();
    assertEquals(id, secret.substring(idStart, idStart + KeyFormat.ID_LENGTH));
    return "kg:key:{" + id + "}";
  }

  // --- calls ---------------------------------------------------------------------------------

  /** One call's end: what it was answered with, when, and whether Redis hung at that moment. */
  private static final class Answer {
    final String outcome;
    final long startNanos;
    final long endNanos;
    final boolean whilePaused;

    Answer(String outcome, long startNanos, long endNanos, boolean whilePaused) {
      this.outcome = outcome;
      this.startNanos = startNanos;
      this.endNanos = endNanos;
      this.whilePaused = whilePaused;
    }

    long millis() {
      return NANOSECONDS.toMillis(endNanos - startNanos);
    }

    @Override
    public String toString() {
      return outcome + " after " + millis() + " ms";
    }
  }

  /** Authorize.Check, asynchronously: the future completes when the call ends. */
  private CompletableFuture<Answer> check(
      AuthorizeGrpc.AuthorizeStub stub, String key, Duration deadline) {
    CompletableFuture<Answer> done = new CompletableFuture<>();
    CheckRequest request = CheckRequest.newBuilder().setKey(key).addRequiredScopes(SCOPE).build();
    long start = System.nanoTime();
    stub.withDeadlineAfter(deadline.toNanos(), NANOSECONDS)
        .check(
            request,
            new StreamObserver<CheckResponse>() {
              @Override
              public void onNext(CheckResponse response) {}

              @Override
              public void onError(Throwable t) {
                done.complete(new Answer(outcome(t), start, System.nanoTime(), paused));
              }

              @Override
              public void onCompleted() {
                done.complete(new Answer(OK, start, System.nanoTime(), paused));
              }
            });
    return done;
  }

  /** {@code count} calls, the i-th (from {@code from}) for key i modulo the key count. */
  private List<CompletableFuture<Answer>> fire(
      AuthorizeGrpc.AuthorizeStub stub, List<String> keys, int from, int count) {
    List<CompletableFuture<Answer>> calls = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      calls.add(check(stub, keys.get(i % keys.size()), STORM_DEADLINE));
    }
    return calls;
  }

  /** The status code and, if there is one, the keygate ErrorInfo reason: "UNAVAILABLE STORE_..". */
  private static String outcome(Throwable t) {
    Status.Code code = Status.fromThrowable(t).getCode();
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status != null) {
      for (var any : status.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          try {
            return code + " " + any.unpack(ErrorInfo.class).getReason();
          } catch (InvalidProtocolBufferException e) {
            return code + " UNREADABLE_ERROR_INFO";
          }
        }
      }
    }
    return code.toString();
  }

  private static List<Answer> answered(List<CompletableFuture<Answer>> calls) {
    return calls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static <T> List<T> first(List<T> list, int n) {
    return list.subList(0, Math.min(n, list.size()));
  }

  private static long percentile(List<Answer> answers, double p) {
    if (answers.isEmpty()) {
      return -1;
    }
    long[] millis = answers.stream().mapToLong(Answer::millis).sorted().toArray();
    int i = (int) Math.ceil(p * millis.length) - 1;
    return millis[Math.max(0, Math.min(millis.length - 1, i))];
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      NANOSECONDS.sleep(left);
    }
  }

  // --- threads -------------------------------------------------------------------------------

  private static boolean isEventLoop(Thread thread, String name) {
    return thread instanceof FastThreadLocalThread || EVENT_LOOP_NAME.matcher(name).matches();
  }

  /**
   * Where an event loop thread is tied to Redis: any frame of the Redis client or keygate's Redis
   * store layers, or waiting (parked, sleeping, in Object.wait) anywhere inside keygate code. Null
   * when it is not.
   */
  private static String waitsOnKeygate(ThreadInfo info) {
    for (StackTraceElement frame : info.getStackTrace()) {
      String c = frame.getClassName();
      if (c.startsWith("redis.clients.")
          || c.startsWith("dev.keygate.store.Redis")
          || (c.equals("dev.keygate.store.BatchingKeyReader")
              && (frame.getMethodName().equals("send")
                  || frame.getMethodName().equals("runBatches")))) {
        return info.getThreadState() + " in " + frame;
      }
    }
    Thread.State state = info.getThreadState();
    if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
      for (StackTraceElement frame : info.getStackTrace()) {
        if (frame.getClassName().startsWith("dev.keygate.")) {
          return state + " in " + frame;
        }
      }
    }
    return null;
  }

  /**
   * Samples the JVM's live thread count every {@link #SAMPLE_MILLIS} between start and stop and
   * keeps the highest. Its one thread exists before the baseline count is taken.
   */
  private static final class ThreadSampler implements AutoCloseable {
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hung-redis-thread-sampler");
              t.setDaemon(true);
              return t;
            });
    private final AtomicInteger peak = new AtomicInteger();
    private volatile boolean sampling;

    ThreadSampler() throws Exception {
      timer.scheduleAtFixedRate(
          () -> {
            if (sampling) {
              peak.accumulateAndGet(THREADS.getThreadCount(), Math::max);
            }
          },
          0,
          SAMPLE_MILLIS,
          MILLISECONDS);
      // the timer's thread starts with its first task: make sure it exists now
      timer.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    void start() {
      peak.set(THREADS.getThreadCount());
      sampling = true;
    }

    int stop() {
      sampling = false;
      return peak.accumulateAndGet(THREADS.getThreadCount(), Math::max);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  // --- Redis MONITOR -------------------------------------------------------------------------

  /** A MONITOR connection, opened while Redis answers, read on a thread of its own. */
  private static final class Monitor implements AutoCloseable {
    private final Socket socket;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final Thread reader;

    private Monitor(Socket socket, BufferedReader in) {
      this.socket = socket;
      this.reader =
          new Thread(
              () -> {
                try {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "hung-redis-monitor");
      reader.setDaemon(true);
      reader.start();
    }

    static Monitor open(int port) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      OutputStream out = socket.getOutputStream();
      out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String ok = in.readLine();
      if (!"+OK".equals(ok)) {
        socket.close();
        throw new IllegalStateException("MONITOR answered " + ok);
      }
      return new Monitor(socket, in);
    }

    /**
     * Sends an ECHO on a fresh connection and waits until the monitor shows it: every command Redis
     * executed before it has then been seen. Returns the monitored lines before the marker.
     */
    List<String> untilMarker(int port) throws InterruptedException {
      String marker = "hung-redis-test-marker-" + System.nanoTime();
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        assertEquals(marker, jedis.echo(marker));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (lines.stream().noneMatch(l -> l.contains(marker))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the monitor never showed the marker");
        }
        Thread.sleep(5);
      }
      List<String> before = new ArrayList<>();
      for (String line : lines) {
        if (line.contains(marker)) {
          break;
        }
        before.add(line);
      }
      return before;
    }

    @Override
    public void close() throws IOException, InterruptedException {
      socket.close();
      reader.join(5_000);
    }
  }

  // --- Envoy -----------------------------------------------------------------------------------

  private static io.envoyproxy.envoy.service.auth.v3.CheckRequest envoyRequest(String key) {
    return EnvoyRequests.bearer(key, SCOPE);
  }

  /** The value of an unlabelled sample in a Prometheus scrape; NaN when it is missing. */
  private static double sample(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }
}
