package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Duration;
import dev.keygate.api.v1.AuthorizeGrpc;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.NettyKeygate;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key whose limit is counted in Redis (global) cannot be admitted while Redis is down, even with
 * its record in the cache and the stale policy on: admitting would let every sidecar spend the
 * limit. It is refused with STORE_UNAVAILABLE, never allowed, and allowed again once Redis is back.
 */
class GlobalLimitOutageTest {
  private final NettyKeygate kg =
      NettyKeygate.start(
          Map.of("KEYGATE_REDIS_FAILURE", "stale", "KEYGATE_REDIS_STALE_MAX_AGE", "5m"));

  @AfterEach
  void stop() throws InterruptedException {
    kg.close();
  }

  private String check(String secret) {
    return AuthorizeGrpc.newBlockingStub(kg.channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(CheckRequest.newBuilder().setKey(secret).addRequiredScopes("tasks:read").build())
        .getKeyId();
  }

  @Test
  void check_globalLimitWhileRedisIsDown_storeUnavailableNeverAllowed() throws Exception {
    CreateKeyResponse limited =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("global")
                    .addScopes("tasks:read")
                    .addLimits(
                        RateLimit.newBuilder()
                            .setRequests(1000)
                            .setPeriod(Duration.newBuilder().setSeconds(60))
                            .setScope(LimitScope.LIMIT_SCOPE_GLOBAL))
                    .build());
    CreateKeyResponse local =
        kg.admin()
            .createKey(
                CreateKeyRequest.newBuilder()
                    .setProject("acme")
                    .setName("local")
                    .addScopes("tasks:read")
                    .build());
    // both confirmed by Redis (and so remembered for stale answers) before the outage
    assertEquals(limited.getKey().getId(), check(limited.getSecret()));
    assertEquals(local.getKey().getId(), check(local.getSecret()));

    kg.redis.pause(); // hung: keys survive, unlike a restart of this unpersisted Redis
    // the key without a global limit is still decided from its record (stale policy) ...
    Eventually.await(
        "the outage is seen",
        () -> {
          try {
            check(limited.getSecret());
            return false;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() == Code.UNAVAILABLE;
          }
        });
    assertEquals(local.getKey().getId(), check(local.getSecret()));
    // ... the one whose limit lives in Redis is refused every time, never allowed
    for (int i = 0; i < 20; i++) {
      assertDenied(Code.UNAVAILABLE, "STORE_UNAVAILABLE", () -> check(limited.getSecret()));
    }

    kg.redis.resume();
    Eventually.await(
        "allowed again once Redis is back",
        () -> {
          try {
            return limited.getKey().getId().equals(check(limited.getSecret()));
          } catch (StatusRuntimeException e) {
            return false;
          }
        });
  }
}
