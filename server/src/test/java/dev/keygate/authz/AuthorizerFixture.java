package dev.keygate.authz;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keygate.access.Cidr;
import dev.keygate.access.IpAllowlist;
import dev.keygate.access.ProjectAllowlists;
import dev.keygate.admin.Caller;
import dev.keygate.admin.CreatedKey;
import dev.keygate.admin.KeyService;
import dev.keygate.admin.NewKey;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.KeyFormat;
import dev.keygate.key.KeyHasher;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.ratelimit.LimitEvaluator;
import dev.keygate.ratelimit.RateLimits;
import dev.keygate.store.Deadline;
import dev.keygate.store.InMemoryKeyStore;
import dev.keygate.store.KeyLookup;
import dev.keygate.testing.MutableClock;
import dev.keygate.throttle.FailureThrottle;
import dev.keygate.throttle.ThrottleSettings;
import dev.keygate.usage.UsageRecorder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;

/**
 * The decision path alone over the in-memory store, with a hand-moved clock, a throttle of two
 * failures a minute, and an observer that records every report: the fixture of the Authorizer step
 * and failure tests.
 */
abstract class AuthorizerFixture {
  static final String ADMIN = "admin-token-0123456789";
  static final String CLIENT = "192.0.2.7";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  final InMemoryKeyStore store = new InMemoryKeyStore();
  final KeyFormat format = new KeyFormat("kg", new SecureRandom());
  final KeyHasher hasher =
      new KeyHasher("pepper-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  final UsageRecorder usage = new UsageRecorder(store, Duration.ZERO);
  final KeyService keys = new KeyService(store, format, hasher, clock, KeyKind.LIVE, 10);
  final FailureThrottle throttle =
      FailureThrottle.of(
          ThrottleSettings.fromEnv(
              Map.of("KEYGATE_AUTH_FAILURE_LIMIT", "2", "KEYGATE_AUTH_FAILURE_WINDOW", "1m")),
          clock);
  final List<String> observed = new ArrayList<>();
  final DecisionObserver observer =
      new DecisionObserver() {
        @Override
        public void allowed(Surface surface, long nanos) {
          observed.add("allowed " + surface.label() + " " + (nanos > 0));
        }

        @Override
        public void denied(
            Surface surface,
            Decision.Denied denied,
            ApiKeyRecord key,
            String requestId,
            long nanos) {
          observed.add(
              "denied "
                  + surface.label()
                  + " "
                  + denied.reason()
                  + " "
                  + (key == null ? "-" : key.id())
                  + " "
                  + requestId);
        }
      };

  Authorizer authorizer(KeyLookup lookup, List<KeyLimit> projectLimits) {
    return new Authorizer(
        format,
        hasher,
        lookup,
        new LimitEvaluator(
            new RateLimits(clock), Optional.empty(), false, null, projectLimits, clock),
        usage,
        clock,
        KeyKind.LIVE,
        throttle,
        observer,
        AdminToken.of(ADMIN),
        Duration.ofSeconds(1),
        ProjectAllowlists.NONE);
  }

  final Authorizer authorizer = authorizer(store.reader(), List.of());

  @AfterEach
  void close() {
    usage.close();
  }

  CreatedKey create(KeyKind kind, Instant expiresAt) {
    return keys.create(
        Caller.ADMIN_TOKEN,
        new NewKey("acme", "k", "", Map.of(), List.of("tasks:read"), kind, expiresAt, null, null));
  }

  static Decision decide(Authorizer a, String key, Call call) {
    CompletableFuture<Decision> d = a.decide(key, List.of(), call).toCompletableFuture();
    assertTrue(d.isDone());
    return d.join();
  }

  Decision decide(String key, Surface surface) {
    return decide(authorizer, key, new Call(surface, CLIENT, "req-1"));
  }

  static Decision.Denied denied(Decision d) {
    return assertInstanceOf(Decision.Denied.class, d);
  }

  static Call call() {
    return new Call(Surface.AUTHORIZE, CLIENT, "");
  }

  static Decision decide(Authorizer a, String key, Call call, List<String> scopes) {
    return a.decide(key, scopes, call).toCompletableFuture().join();
  }

  CreatedKey createFenced(String cidr) {
    return keys.create(
        Caller.ADMIN_TOKEN,
        new NewKey(
            "acme",
            "k",
            "",
            Map.of(),
            List.of("tasks:read"),
            KeyKind.LIVE,
            null,
            null,
            null,
            null,
            IpAllowlist.parse("allowed_cidrs", List.of(cidr))));
  }

  static Call from(String address) {
    return new Call(
        Surface.AUTHORIZE,
        CLIENT,
        "",
        Deadline.none(),
        Optional.of(Cidr.literal(address).orElseThrow()));
  }
}
