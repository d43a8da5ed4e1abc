package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.rpc.ErrorInfo;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.store.CachingKeyStore;
import dev.keygate.testing.Eventually;
import dev.keygate.testing.GrpcErrors;
import dev.keygate.testing.InProcessKeygate;
import dev.keygate.testing.RedisSentinelSetup;
import dev.keygate.testing.RedisServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code KEYGATE_REDIS_WAIT_REPLICAS}: an admin write is answered OK only once a replica holds it,
 * so an acknowledged revoke survives a Sentinel failover. Each test has a Sentinel deployment of
 * its own (one master, one replica, three sentinels), since it pauses or kills its nodes.
 */
class AcknowledgedRevokeTest {
  private static final Map<String, String> ENV =
      Map.of(
          "KEYGATE_REDIS_WAIT_REPLICAS", "1",
          "KEYGATE_REDIS_WAIT_TIMEOUT", "200ms",
          "KEYGATE_REDIS_TIMEOUT", "1s");

  @Test
  void revoke_replicaPaused_answersWriteNotReplicatedAndRetrySucceeds() {
    try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
        InProcessKeygate kg = sidecar(sentinel)) {
      CreateKeyResponse key = kg.createKey("tasks:read");
      RedisServer replica = replicaOf(sentinel);
      replica.pause();
      try {
        com.google.rpc.Status status =
            assertDenied(Status.Code.UNAVAILABLE, "WRITE_NOT_REPLICATED", () -> revoke(kg, key));
        assertEquals(
            key.getKey().getId(),
            GrpcErrors.detail(status, ErrorInfo.class).getMetadataOrThrow("key_id"));
        assertTrue(status.getMessage().contains("retrying is safe"), status.getMessage());
        // the master has the revoke now, so a retry writes nothing: it must still not answer OK
        // while no replica can confirm the record
        assertDenied(Status.Code.UNAVAILABLE, "WRITE_NOT_REPLICATED", () -> revoke(kg, key));
      } finally {
        replica.resume();
      }
      // the master applied the revoke already: the retry writes nothing, yet answers OK only once
      // the replica confirmed the record
      revoke(kg, key);
      assertDenied(Status.Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(kg, key.getSecret()));
    }
  }

  @Test
  void revoke_acknowledged_survivesFailoverOnEverySidecar() {
    try (RedisSentinelSetup sentinel = RedisSentinelSetup.start();
        InProcessKeygate a = sidecar(sentinel);
        InProcessKeygate b = sidecar(sentinel)) {
      CreateKeyResponse key = a.createKey("tasks:read");
      for (InProcessKeygate kg : List.of(a, b)) {
        check(kg, key.getSecret()); // cached on both
      }
      revoke(a, key);
      // killed the moment the revoke was acknowledged: nothing but replication saved it
      RedisServer victim = sentinel.master();
      victim.kill();
      Eventually.await("replica promoted", () -> sentinel.master() != victim);
      for (InProcessKeygate kg : List.of(a, b)) {
        Eventually.await(
            "sidecar decides from the promoted master",
            () -> {
              try {
                check(kg, key.getSecret());
                throw new AssertionError("the acknowledged revoke was lost: key allowed");
              } catch (StatusRuntimeException e) {
                return e.getStatus().getCode() == Status.Code.UNAUTHENTICATED;
              }
            });
        assertDenied(Status.Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(kg, key.getSecret()));
      }
      try (InProcessKeygate fresh = sidecar(sentinel)) {
        assertDenied(
            Status.Code.UNAUTHENTICATED, "KEY_REVOKED", () -> check(fresh, key.getSecret()));
      }
    }
  }

  private static InProcessKeygate sidecar(RedisSentinelSetup sentinel) {
    InProcessKeygate kg =
        InProcessKeygate.overRedis(sentinel.url(), "kgack", Ticker.systemTicker(), ENV);
    Eventually.await("subscribed", ((CachingKeyStore) kg.app.store())::isLive);
    return kg;
  }

  private static RedisServer replicaOf(RedisSentinelSetup sentinel) {
    RedisServer master = sentinel.master();
    return sentinel.dataNodes().stream().filter(n -> n != master).findFirst().orElseThrow();
  }

  private static void revoke(InProcessKeygate kg, CreateKeyResponse key) {
    kg.admin()
        .revokeKey(
            RevokeKeyRequest.newBuilder().setId(key.getKey().getId()).setReason("leaked").build());
  }

  private static String check(InProcessKeygate kg, String secret) {
    return kg.authorize().check(CheckRequest.newBuilder().setKey(secret).build()).getKeyId();
  }
}
