package dev.keygate.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.keygate.Keygate;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyAdminGrpc;
import dev.keygate.config.KeygateConfig;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.store.KeyStore;
import dev.keygate.store.Stores;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The real services on an in-process gRPC server (direct executor), with a hand-moved clock: the
 * fixture for service tests. Defaults: admin token {@link #ADMIN_TOKEN}, live environment, usage
 * flushed only when a test asks.
 *
 * <p>Where a test does not hand it a store, the store is the run's choice: the in-memory store, or
 * with {@code -Dkeygate.test.store=redis} the Redis store (with its cache, as {@link Stores#open}
 * builds it) on a fresh namespace of one redis-server the run shares. The server module's second
 * Surefire execution runs the service suites that way, so each of them holds for both stores.
 */
public final class InProcessKeygate implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final String PEPPER = "test-pepper-0123456789abcdef";

  public final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  public final Keygate app;
  public final KeygateConfig config;
  private final Server server;
  private final ManagedChannel channel;

  /** The fixture's defaults, over the run's store (see {@link #STORE_PROPERTY}). */
  public InProcessKeygate() {
    this(Map.of());
  }

  /**
   * @param env settings on top of the fixture's defaults, over the run's store
   */
  public InProcessKeygate(Map<String, String> env) {
    this(Backing.chosen().open(env));
  }

  private InProcessKeygate(Opened opened) {
    this(opened.config(), opened.store());
  }

  /**
   * @param env settings on top of the fixture's defaults
   */
  public InProcessKeygate(Map<String, String> env, KeyStore store) {
    this(configFor(env), store);
  }

  /**
   * An instance over Redis opened exactly as the server opens it ({@link Stores#open}), with the
   * verified-key cache on a clock of the test's: several such instances on one namespace behave
   * like sidecars sharing a Redis.
   */
  public static InProcessKeygate overRedis(
      String url, String namespace, Ticker cacheTicker, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("KEYGATE_REDIS_URL", url);
    all.put("KEYGATE_REDIS_NAMESPACE", namespace);
    KeygateConfig config = configFor(all);
    return new InProcessKeygate(config, Stores.open(config.redis(), config.cache(), cacheTicker));
  }

  private static KeygateConfig configFor(Map<String, String> env) {
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "KEYGATE_ADMIN_TOKEN", ADMIN_TOKEN,
                "KEYGATE_PEPPER", PEPPER,
                "KEYGATE_USAGE_FLUSH_INTERVAL", "10m"));
    all.putAll(env);
    return KeygateConfig.fromEnv(all);
  }

  private InProcessKeygate(KeygateConfig config, KeyStore store) {
    this.config = config;
    app = new Keygate(config, PEPPER.getBytes(StandardCharsets.UTF_8), store, clock);
    String name = InProcessServerBuilder.generateName();
    try {
      server = app.bind(InProcessServerBuilder.forName(name).directExecutor()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  /** The system property choosing the store of {@link #InProcessKeygate(Map)}. */
  public static final String STORE_PROPERTY = "keygate.test.store";

  private record Opened(KeygateConfig config, KeyStore store) {}

  /** The stores a service suite can run over. */
  private enum Backing {
    MEMORY {
      @Override
      Opened open(Map<String, String> env) {
        return new Opened(configFor(env), new InMemoryKeyStore());
      }
    },
    REDIS {
      @Override
      Opened open(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("KEYGATE_REDIS_URL", RunRedis.get().url());
        all.put("KEYGATE_REDIS_NAMESPACE", RunRedis.get().newNamespace());
        KeygateConfig config = configFor(all);
        // a frozen cache clock: nothing cached expires by time, as on the in-memory store
        return new Opened(config, Stores.open(config.redis(), config.cache(), new FakeTicker()));
      }
    };

    abstract Opened open(Map<String, String> env);

    static Backing chosen() {
      String store = System.getProperty(STORE_PROPERTY, "memory");
      return switch (store) {
        case "memory" -> MEMORY;
        case "redis" -> REDIS;
        default ->
            throw new IllegalArgumentException(
                STORE_PROPERTY + " is memory or redis, not " + store);
      };
    }
  }

  /** KeyAdmin as the bootstrap admin. */
  public KeyAdminGrpc.KeyAdminBlockingStub admin() {
    return withBearer(KeyAdminGrpc.newBlockingStub(channel), ADMIN_TOKEN);
  }

  /** KeyAdmin with no credential. */
  public KeyAdminGrpc.KeyAdminBlockingStub anonymousAdmin() {
    return KeyAdminGrpc.newBlockingStub(channel);
  }

  public AuthorizeGrpc.AuthorizeBlockingStub authorize() {
    return AuthorizeGrpc.newBlockingStub(channel);
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** Creates a key as the admin with the given scopes in project "acme". */
  public CreateKeyResponse createKey(String... scopes) {
    return admin()
        .createKey(
            CreateKeyRequest.newBuilder()
                .setProject("acme")
                .setName("test key")
                .addAllScopes(java.util.List.of(scopes))
                .build());
  }

  /** The stub sending {@code authorization: Bearer <credential>}. */
  public static <S extends AbstractStub<S>> S withBearer(S stub, String credential) {
    return withHeader(stub, "authorization", "Bearer " + credential);
  }

  public static <S extends AbstractStub<S>> S withHeader(S stub, String name, String value) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    app.close();
  }
}
