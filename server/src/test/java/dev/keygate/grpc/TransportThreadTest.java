package dev.keygate.grpc;

import static dev.keygate.testing.InProcessKeygate.withBearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.Keygate;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.audit.AuditEvent;
import dev.keygate.config.KeygateConfig;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.store.BatchingKeyReader;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.store.CreateOutcome;
import dev.keygate.store.KeyPage;
import dev.keygate.store.KeyStore;
import dev.keygate.store.RedisKeyStore;
import dev.keygate.store.UsageDelta;
import dev.keygate.testing.EnvoyRequests;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.FakeTicker;
import dev.keygate.testing.RedisServer;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where calls run, over a real Netty port and a real redis-server: a cache hit is decided on the
 * Netty event loop that read the request (no thread hop), a miss is answered by the Redis reader's
 * I/O thread that read it (never by the KeyAdmin worker pool: no thread hops to wait for it), a
 * global limit by the Redis limit pool, KeyAdmin always on the worker pool, and no store call of
 * any kind ever runs on an event loop. Threads are told apart by type (Netty's event loops are
 * {@link FastThreadLocalThread}s) and name.
 */
class TransportThreadTest {
  private static final String ADMIN_TOKEN = "thread-admin-token-0123456789";

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  /** The thread that answered each call (closed it), by method name, in call order. */
  private final Map<String, ConcurrentLinkedQueue<Thread>> answeredOn = new ConcurrentHashMap<>();

  private final ConcurrentLinkedQueue<String> storeCalls = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Thread> storeThreads = new ConcurrentLinkedQueue<>();
  private ManagedChannel channel;
  private CachingKeyStore cache;

  @BeforeEach
  void start() throws Exception {
    RedisServer redis = RedisServer.start();
    cleanup.add(redis);
    KeygateConfig config =
        KeygateConfig.fromEnv(
            Map.of(
                "KEYGATE_LISTEN", "127.0.0.1:0",
                "KEYGATE_REDIS_URL", redis.url(),
                "KEYGATE_PEPPER", "thread-pepper-0123456789abcdef",
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_USAGE_FLUSH_INTERVAL", "100ms"));
    RedisKeyStore redisStore =
        RedisKeyStore.connect(redis.url(), Duration.ofSeconds(5), config.redis().namespace());
    // the production layering (Stores.open), with every call into Redis recorded
    Recording recorded = new Recording(redisStore);
    BatchingKeyReader reader =
        new BatchingKeyReader(
            recorded,
            new BatchingKeyReader.Settings(
                2048, 4, 128, Duration.ofSeconds(10), Duration.ofMillis(50)),
            redisStore.circuit());
    cleanup.add(reader);
    cache =
        new CachingKeyStore(
            recorded,
            reader,
            new CachingKeyStore.Settings(1000, Duration.ofHours(1), Duration.ofSeconds(1)),
            new FakeTicker());
    redisStore.listenForInvalidations(cache);
    Eventually.await("invalidation subscription", cache::isLive);
    Keygate app = new Keygate(config, config.keys().pepper(), cache, Clock.systemUTC());
    cleanup.add(app);
    // as KeygateServer.start builds it, plus an interceptor noting who answers each call
    Server server =
        app.bind(
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .directExecutor())
            .intercept(new AnsweringThread())
            .build()
            .start();
    cleanup.add(() -> server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    cleanup.add(() -> channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private Thread lastAnswer(String method) {
    ConcurrentLinkedQueue<Thread> threads = answeredOn.get(method);
    Thread last = null;
    for (Thread t : threads) {
      last = t;
    }
    return last;
  }

  private static boolean isEventLoop(Thread t) {
    return t instanceof FastThreadLocalThread;
  }

  private static boolean isWorker(Thread t) {
    return !isEventLoop(t) && t.getName().startsWith(Keygate.WORKER_THREAD_PREFIX);
  }

  /**
   * Where a decision that read Redis is answered: by the I/O thread that completed the read (the
   * Redis reader's, or the limit pool's), or by the event loop itself when that read had already
   * completed by the time the event loop chained the decision to it. Never by a KeyAdmin worker: no
   * thread was handed the call to wait for Redis.
   */
  private static boolean answeredWithoutWaiting(Thread t) {
    return isEventLoop(t)
        || t.getName().startsWith(BatchingKeyReader.IO_THREAD_PREFIX)
        || t.getName().startsWith("keygate-redis-limits-");
  }

  /**
   * Creates a key and waits for the create's own invalidation message: arriving after the first
   * check it would empty the cache again, and the next check would (rightly) miss.
   */
  private CreateKeyResponse createKey() {
    long before = cache.invalidationsReceived();
    CreateKeyResponse created =
        withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("k")
                    .addScopes("tasks:read")
                    .build());
    Eventually.await("the create's invalidation", () -> cache.invalidationsReceived() > before);
    return created;
  }

  @Test
  void hitsAreDecidedOnTheEventLoopMissesAndAdminOnWorkers() {
    CreateKeyResponse key = createKey();
    Thread admin = lastAnswer(KeyAdminGrpc.getCreateKeyMethod().getFullMethodName());
    assertTrue(isWorker(admin), "KeyAdmin answered on " + admin.getName());

    var authorize = AuthorizeGrpc.newBlockingStub(channel);
    CheckRequest check =
        CheckRequest.newBuilder().setKey(key.getSecret()).addRequiredScopes("tasks:read").build();
    String method = AuthorizeGrpc.getCheckMethod().getFullMethodName();
    int readsBefore = storeCalls.size();

    assertEquals(key.getKey().getId(), authorize.check(check).getKeyId());
    Thread miss = lastAnswer(method);
    assertTrue(answeredWithoutWaiting(miss), "miss answered on " + miss.getName());
    assertTrue(storeCalls.size() > readsBefore, "the miss read the store");

    int readsAfterMiss = storeCallsNamed("findAll");
    for (int i = 0; i < 3; i++) {
      assertEquals(key.getKey().getId(), authorize.check(check).getKeyId());
      Thread hit = lastAnswer(method);
      assertTrue(
          isEventLoop(hit),
          "hit answered on "
              + hit.getName()
              + " "
              + storeCalls
              + " "
              + cache.stats()
              + " inv="
              + cache.invalidationsReceived()
              + " size="
              + cache.size());
    }
    assertEquals(readsAfterMiss, storeCallsNamed("findAll"), "hits read nothing");

    // a malformed key needs no lookup either: refused on the event loop
    var refused =
        Status.fromThrowable(
            org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class,
                () ->
                    authorize.check(CheckRequest.newBuilder().setKey("kg_live_nonsense").build())));
    assertEquals(Status.Code.UNAUTHENTICATED, refused.getCode());
    assertTrue(isEventLoop(lastAnswer(method)));

    // the same key through Envoy's ext_authz: already cached, so inline as well
    var envoy = AuthorizationGrpc.newBlockingStub(channel);
    String envoyMethod = AuthorizationGrpc.getCheckMethod().getFullMethodName();
    assertEquals(0, envoy.check(envoyRequest(key.getSecret())).getStatus().getCode());
    assertTrue(isEventLoop(lastAnswer(envoyMethod)));

    // a second key, unknown to the cache, through ext_authz: answered by the reader that read it
    CreateKeyResponse other = createKey();
    assertEquals(0, envoy.check(envoyRequest(other.getSecret())).getStatus().getCode());
    assertTrue(answeredWithoutWaiting(lastAnswer(envoyMethod)), lastAnswer(envoyMethod).getName());
    assertEquals(0, envoy.check(envoyRequest(other.getSecret())).getStatus().getCode());
    assertTrue(isEventLoop(lastAnswer(envoyMethod)));

    assertNoStoreCallOnAnEventLoop();
  }

  @Test
  void aKeyWithAGlobalLimitIsAnsweredByTheRedisLimitPool() {
    long before = cache.invalidationsReceived();
    CreateKeyResponse key =
        withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("global")
                    .addScopes("tasks:read")
                    .addLimits(
                        dev.keygate.api.v1.RateLimit.newBuilder()
                            .setRequests(1000)
                            // a day: a token comes back every 86 s, never between these
                            // calls (at 1000/min one came back every 60 ms on a loaded machine)
                            .setPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(86_400))
                            .setScope(dev.keygate.api.v1.LimitScope.LIMIT_SCOPE_GLOBAL))
                    .build());
    Eventually.await("the create's invalidation", () -> cache.invalidationsReceived() > before);
    var authorize = AuthorizeGrpc.newBlockingStub(channel);
    CheckRequest check = CheckRequest.newBuilder().setKey(key.getSecret()).build();
    String method = AuthorizeGrpc.getCheckMethod().getFullMethodName();
    for (int i = 0; i < 3; i++) {
      // cached after the first call, but its limit is counted in Redis, by the limit pool
      var answer = authorize.check(check);
      assertEquals(key.getKey().getId(), answer.getKeyId());
      assertEquals(1000 - 1 - i, answer.getRateLimit().getRemaining());
      Thread answered = lastAnswer(method);
      assertTrue(answeredWithoutWaiting(answered), answered.getName());
    }
    assertNoStoreCallOnAnEventLoop();
  }

  @Test
  void aKeyRevokedElsewhereIsReadAgain() {
    CreateKeyResponse key = createKey();
    var authorize = AuthorizeGrpc.newBlockingStub(channel);
    CheckRequest check = CheckRequest.newBuilder().setKey(key.getSecret()).build();
    authorize.check(check);
    authorize.check(check);
    String method = AuthorizeGrpc.getCheckMethod().getFullMethodName();
    assertTrue(isEventLoop(lastAnswer(method)));
    withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN)
        .revokeKey(
            dev.keygate.api.v1.RevokeKeyRequest.newBuilder().setId(key.getKey().getId()).build());
    Status denied =
        Status.fromThrowable(
            org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> authorize.check(check)));
    assertEquals(Status.Code.UNAUTHENTICATED, denied.getCode()); // KEY_REVOKED
    assertTrue(
        answeredWithoutWaiting(lastAnswer(method)),
        "re-read after revocation on " + lastAnswer(method).getName() + " " + storeCalls);
    assertNoStoreCallOnAnEventLoop();
  }

  private void assertNoStoreCallOnAnEventLoop() {
    assertFalse(storeThreads.isEmpty());
    for (Thread t : storeThreads) {
      assertFalse(isEventLoop(t), "store called on event loop " + t.getName());
    }
  }

  private int storeCallsNamed(String name) {
    return (int) storeCalls.stream().filter(name::equals).count();
  }

  private static io.envoyproxy.envoy.service.auth.v3.CheckRequest envoyRequest(String key) {
    return EnvoyRequests.bearer(key, "tasks:read");
  }

  /** Notes the thread that closes each call: the one that made the decision and answered. */
  private final class AnsweringThread implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              answeredOn
                  .computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>())
                  .add(Thread.currentThread());
              super.close(status, trailers);
            }
          },
          headers);
    }
  }

  /** The real Redis store, noting which thread makes each call into it. */
  private final class Recording implements KeyStore {
    private final KeyStore delegate;

    Recording(KeyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public KeyStore delegate() {
      // lets Keygate find the Redis store below (shared rate limits, audit log), as in production
      return delegate;
    }

    private void note(String call) {
      storeCalls.add(call);
      storeThreads.add(Thread.currentThread());
    }

    @Override
    public CreateOutcome create(
        ApiKeyRecord key, String requestId, int max, Instant now, Optional<AuditEvent> event) {
      note("create");
      return delegate.create(key, requestId, max, now, event);
    }

    @Override
    public Optional<ApiKeyRecord> find(String id) {
      note("find");
      return delegate.find(id);
    }

    @Override
    public Map<String, Optional<ApiKeyRecord>> findAll(Collection<String> ids) {
      note("findAll");
      return delegate.findAll(ids);
    }

    @Override
    public KeyPage list(String project, String pageToken, int pageSize, boolean revoked) {
      note("list");
      return delegate.list(project, pageToken, pageSize, revoked);
    }

    @Override
    public boolean replace(ApiKeyRecord updated, long expectedVersion, Optional<AuditEvent> event) {
      note("replace");
      return delegate.replace(updated, expectedVersion, event);
    }

    @Override
    public void recordUsage(Collection<UsageDelta> deltas) {
      note("recordUsage");
      delegate.recordUsage(deltas);
    }

    @Override
    public boolean ping() {
      note("ping");
      return delegate.ping();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
