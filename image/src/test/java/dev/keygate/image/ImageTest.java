package dev.keygate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The container image, built from the Dockerfile by image/build.sh, started the way the Helm
 * chart's Deployment starts it (env, user, mounts, grace period from {@code helm template}) against
 * a redis-server on the host. One container for the class, in order: serve, authorize, drain on
 * SIGTERM, then what it left behind (log, root filesystem).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageTest {
  private static final String IMAGE = "localhost/keygate:image-test";

  /** Bound on every wait for the container (start, a call, a log line); never asserted as speed. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Longer than the pause of Redis in the drain test (a log line's wait), so the call held by the
   * paused Redis is answered, not timed out: the chart's value, set like any install would.
   */
  private static final String REDIS_TIMEOUT = "30s";

  private static final int SIGTERM_EXIT = 0;

  private final Path repo = Path.of(System.getProperty("user.dir")).getParent();
  private final Path work = repo.resolve("image/target/image-test");
  private HostRedis redis;
  private ChartPod pod;
  private ImageContainer container;
  private ManagedChannel channel;
  private Path startMarker;
  private long startNanos;
  private final List<String> secrets = new ArrayList<>();

  @BeforeAll
  void buildAndStart() throws Exception {
    Optional<String> why = ImageTooling.missing();
    Assumptions.assumeTrue(why.isEmpty(), () -> "image test skipped: " + why.orElse(""));
    Files.createDirectories(work);
    Processes.output(repo, List.of(repo.resolve("image/build.sh").toString(), IMAGE));
    redis = HostRedis.start(work.resolve("redis.log"));
    int port = HostRedis.freePort();
    pod =
        ChartPod.render(
            repo,
            List.of(
                "port=" + port,
                "redis.url=redis://127.0.0.1:" + redis.port,
                "config.redisTimeout=" + REDIS_TIMEOUT,
                "image.repository=localhost/keygate",
                "image.tag=image-test"));
    secrets.add(pod.env().get("KEYGATE_PEPPER"));
    secrets.add(pod.env().get("KEYGATE_ADMIN_TOKEN"));
    startMarker = work.resolve("started");
    Files.writeString(startMarker, Instant.now().toString());
    Thread.sleep(10); // a later mtime than the marker's for anything written from here on
    startNanos = System.nanoTime();
    container = ImageContainer.start(repo, IMAGE, pod, work.resolve("keygate.log"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  @AfterAll
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (redis != null) {
      redis.resume();
      redis.close();
    }
    if (container != null) {
      container.close();
    }
  }

  @Test
  @Order(1)
  void start_servesHealthAsTheChartsUser() throws Exception {
    assertEquals(ServingStatus.SERVING, awaitServing());
    // a figure for docs/image.md, never asserted: it depends on the machine and its load
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    Files.writeString(
        work.resolve("start-to-serving.txt"),
        "buildah run to SERVING: "
            + millis
            + " ms; load average "
            + Files.readString(Path.of("/proc/loadavg")).strip()
            + "\n");
    assertEquals(pod.runAsUser(), container.jvmUid());
    assertTrue(pod.readOnlyRootFilesystem(), "the chart mounts the root filesystem read-only");
  }

  @Test
  @Order(2)
  void authorize_keyCreatedThroughTheContainer() throws Exception {
    awaitServing();
    CreateKeyResponse created = createKey("image-authorize");
    CheckResponse ok =
        AuthorizeGrpc.newBlockingStub(channel)
            .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .check(CheckRequest.newBuilder().setKey(created.getSecret()).build());
    assertEquals(created.getKey().getId(), ok.getKeyId());
  }

  /**
   * A call held in flight by a paused Redis when SIGTERM arrives is still answered, and the JVM
   * exits within the pod's grace period with the status of a completed SIGTERM shutdown. The health
   * call after it on the same connection is the barrier: HTTP/2 frames are read in order, so when
   * health answers, keygate holds the call.
   */
  /**
   * Envoy's ext_authz Check, as Envoy sends it: the minimized jar keeps the Envoy API classes this
   * service and the descriptors it imports need.
   */
  @Test
  @Order(3)
  void envoyCheck_keyAllowedAndUnknownKeyDenied() throws Exception {
    awaitServing();
    CreateKeyResponse created = createKey("image-envoy");
    AuthorizationGrpc.AuthorizationBlockingStub envoy =
        AuthorizationGrpc.newBlockingStub(channel)
            .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertEquals(
        Code.OK.value(), envoy.check(envoyRequest(created.getSecret())).getStatus().getCode());
    assertEquals(
        Code.UNAUTHENTICATED.value(),
        envoy.check(envoyRequest(created.getSecret() + "x")).getStatus().getCode());
  }

  @Test
  @Order(4)
  void sigterm_drainsTheCallInFlightAndStopsWithinTheGrace() throws Exception {
    awaitServing();
    CreateKeyResponse created = createKey("image-drain");
    redis.pause();
    ListenableFuture<CheckResponse> inFlight;
    try {
      inFlight =
          AuthorizeGrpc.newFutureStub(channel)
              .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
              .check(CheckRequest.newBuilder().setKey(created.getSecret()).build());
      health(); // the barrier: keygate has read the call's headers
      assertFalse(inFlight.isDone(), "the call waits for the paused Redis");
      container.sigterm();
      awaitLog("shutting down: draining");
    } finally {
      redis.resume();
    }
    assertEquals(created.getKey().getId(), answer(inFlight).getKeyId());
    Optional<Integer> exit = container.awaitExit(Duration.ofSeconds(pod.terminationGraceSeconds()));
    // 143 = 128 + SIGTERM: the JVM's status after a signal-initiated shutdown whose hooks (the
    // drain) ran to the end; a crash, an OOM exit or SIGKILL at the grace period say otherwise
    assertEquals(
        Optional.of(SIGTERM_EXIT), exit, "exit status within terminationGracePeriodSeconds");
  }

  @Test
  @Order(5)
  void log_holdsNoSecret() throws Exception {
    String log = container.log();
    assertTrue(log.contains("keygate stopped"), log);
    for (String secret : secrets) {
      assertFalse(log.contains(secret), "a secret is in the container's log");
    }
  }

  @Test
  @Order(6)
  void rootFilesystem_unwrittenOutsideTheChartsMounts() throws Exception {
    assertFalse(container.isRunning());
    assertEquals(List.of(), container.writtenSince(startMarker, pod.mountPaths()));
  }

  private CreateKeyResponse createKey(String name) {
    Metadata bearer = new Metadata();
    bearer.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + pod.env().get("KEYGATE_ADMIN_TOKEN"));
    CreateKeyResponse created =
        KeyAdminGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
            .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("image")
                    .setName(name)
                    .addScopes("tasks:*")
                    .build());
    secrets.add(created.getSecret());
    return created;
  }

  /** {@code GET /tasks} with the key as a Bearer token, on a route that needs tasks:read. */
  private static io.envoyproxy.envoy.service.auth.v3.CheckRequest envoyRequest(String key) {
    return io.envoyproxy.envoy.service.auth.v3.CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setHttp(
                            AttributeContext.HttpRequest.newBuilder()
                                .setMethod("GET")
                                .setPath("/tasks")
                                .putHeaders(":method", "GET")
                                .putHeaders(":path", "/tasks")
                                .putHeaders("authorization", "Bearer " + key)))
                .putContextExtensions("keygate_scope", "tasks:read"))
        .build();
  }

  private ServingStatus health() {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  /** Waits (bounded by WAIT) until keygate answers health SERVING; returns the last status. */
  private ServingStatus awaitServing() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    StatusRuntimeException last = null;
    while (System.nanoTime() < deadline) {
      assertTrue(container.isRunning(), () -> "the container exited:\n" + logOrEmpty());
      try {
        ServingStatus status = health();
        if (status == ServingStatus.SERVING) {
          return status;
        }
      } catch (StatusRuntimeException e) {
        last = e; // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not SERVING within " + WAIT + ": " + last + "\n" + logOrEmpty());
  }

  private void awaitLog(String line) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!container.log().contains(line)) {
      assertTrue(System.nanoTime() < deadline, () -> "no '" + line + "' in\n" + logOrEmpty());
      Thread.sleep(50);
    }
  }

  private static CheckResponse answer(ListenableFuture<CheckResponse> call)
      throws InterruptedException, TimeoutException {
    try {
      return call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the in-flight call was not answered: " + e.getCause(), e);
    }
  }

  private String logOrEmpty() {
    try {
      return container.log();
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
