package dev.keygate.grpc;

import static dev.keygate.testing.GrpcErrors.assertDenied;
import static dev.keygate.testing.GrpcErrors.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.GetKeyRequest;
import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.api.v1.RevokeKeyRequest;
import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.UpdateKeyRequest;
import dev.keygate.testing.InProcessKeygate;
import io.grpc.Status.Code;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * One test per input bound of every RPC: each oversized or out-of-range field is refused with
 * INVALID_ARGUMENT and a BadRequest naming the field, and the error stays small however much the
 * request held.
 */
class InputBoundsTest {
  private final InProcessKeygate kg = new InProcessKeygate();

  @AfterEach
  void close() {
    kg.close();
  }

  /** Asserts INVALID_ARGUMENT with a violation of {@code field}; returns the violations. */
  private static List<BadRequest.FieldViolation> assertInvalid(String field, Executable call) {
    var status = assertDenied(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", call);
    var violations = detail(status, BadRequest.class).getFieldViolationsList();
    assertTrue(
        violations.stream().anyMatch(v -> v.getField().equals(field)),
        () -> "no violation of " + field + " in " + violations);
    assertTrue(
        status.getSerializedSize() < 4096, "error of " + status.getSerializedSize() + " bytes");
    return violations;
  }

  private static CreateKeyRequest.Builder create() {
    return CreateKeyRequest.newBuilder().setProject("acme").setName("k").addScopes("tasks:read");
  }

  private String keyId() {
    return kg.createKey("tasks:read").getKey().getId();
  }

  @Test
  void check_keyLongerThanAnyKey_invalid() {
    assertInvalid(
        "key",
        () ->
            kg.authorize()
                .check(CheckRequest.newBuilder().setKey("kg_live_" + "a".repeat(200)).build()));
  }

  @Test
  void check_tooManyRequiredScopes_invalidWithOneViolationPerAllowedScope() {
    var v =
        assertInvalid(
            "required_scopes",
            () ->
                kg.authorize()
                    .check(
                        CheckRequest.newBuilder()
                            .addAllRequiredScopes(Collections.nCopies(10_000, "Bad Scope"))
                            .build()));
    assertTrue(v.size() <= 33, v.size() + " violations");
  }

  @Test
  void check_requiredScopeTooLong_invalid() {
    assertInvalid(
        "required_scopes[0]",
        () ->
            kg.authorize()
                .check(
                    CheckRequest.newBuilder()
                        .addRequiredScopes("tasks:" + "r".repeat(100))
                        .build()));
  }

  @Test
  void createKey_nameTooLong_invalid() {
    assertInvalid("name", () -> kg.admin().createKey(create().setName("n".repeat(129)).build()));
  }

  @Test
  void createKey_descriptionTooLong_invalid() {
    assertInvalid(
        "description",
        () -> kg.admin().createKey(create().setDescription("d".repeat(1025)).build()));
  }

  @Test
  void createKey_tooManyMetadataEntries_invalidAndBoundedViolations() {
    Map<String, String> metadata = new HashMap<>();
    IntStream.range(0, 5000).forEach(i -> metadata.put("k" + i, "v".repeat(300)));
    var v =
        assertInvalid(
            "metadata", () -> kg.admin().createKey(create().putAllMetadata(metadata).build()));
    assertTrue(v.size() <= 40, v.size() + " violations");
  }

  @Test
  void createKey_metadataKeyOrValueTooLong_invalid() {
    assertInvalid(
        "metadata", () -> kg.admin().createKey(create().putMetadata("k".repeat(65), "v").build()));
    assertInvalid(
        "metadata[team]",
        () -> kg.admin().createKey(create().putMetadata("team", "v".repeat(257)).build()));
  }

  @Test
  void createKey_tooManyScopes_invalidAndBoundedViolations() {
    var v =
        assertInvalid(
            "scopes",
            () ->
                kg.admin()
                    .createKey(
                        create()
                            .clearScopes()
                            .addAllScopes(
                                IntStream.range(0, 5000).mapToObj(i -> "bad scope " + i).toList())
                            .build()));
    assertTrue(v.size() <= 33, v.size() + " violations");
  }

  @Test
  void createKey_scopeTooLong_invalid() {
    assertInvalid(
        "scopes[0]",
        () ->
            kg.admin()
                .createKey(create().clearScopes().addScopes("tasks:" + "r".repeat(64)).build()));
  }

  @Test
  void createKey_projectTooLong_invalid() {
    assertInvalid(
        "project", () -> kg.admin().createKey(create().setProject("p".repeat(65)).build()));
  }

  @Test
  void createKey_requestIdTooLong_invalid() {
    assertInvalid(
        "request_id", () -> kg.admin().createKey(create().setRequestId("r".repeat(129)).build()));
  }

  @Test
  void createKey_expiryBeyondTimestampRange_invalidNotACrash() {
    assertInvalid(
        "expires_at",
        () ->
            kg.admin()
                .createKey(
                    create()
                        .setExpiresAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                        .build()));
  }

  @Test
  void createKey_rateLimitOutOfRange_invalid() {
    assertInvalid(
        "rate_limit",
        () ->
            kg.admin()
                .createKey(
                    create()
                        .setRateLimit(
                            RateLimit.newBuilder()
                                .setRequests(2_000_000)
                                .setPeriod(Duration.newBuilder().setSeconds(1)))
                        .build()));
    assertInvalid(
        "rate_limit.period",
        () ->
            kg.admin()
                .createKey(
                    create()
                        .setRateLimit(
                            RateLimit.newBuilder()
                                .setRequests(10)
                                .setPeriod(
                                    Duration.newBuilder()
                                        .setSeconds(Long.MAX_VALUE)
                                        .setNanos(999_999_999)))
                        .build()));
  }

  @Test
  void getKey_idNotAKeyId_invalid() {
    assertInvalid(
        "id",
        () -> kg.admin().getKey(GetKeyRequest.newBuilder().setId("x".repeat(10_000)).build()));
  }

  @Test
  void listKeys_pageSizeAboveMaximum_invalid() {
    assertInvalid(
        "page_size",
        () ->
            kg.admin()
                .listKeys(
                    ListKeysRequest.newBuilder().setProject("acme").setPageSize(1001).build()));
  }

  @Test
  void listKeys_pageTokenTooLong_invalid() {
    assertInvalid(
        "page_token",
        () ->
            kg.admin()
                .listKeys(
                    ListKeysRequest.newBuilder()
                        .setProject("acme")
                        .setPageToken("A".repeat(100_000))
                        .build()));
  }

  @Test
  void updateKey_tooManyMaskPaths_invalidAndBoundedViolations() {
    String id = keyId();
    var v =
        assertInvalid(
            "update_mask",
            () ->
                kg.admin()
                    .updateKey(
                        UpdateKeyRequest.newBuilder()
                            .setKey(ApiKey.newBuilder().setId(id))
                            .setUpdateMask(
                                FieldMask.newBuilder()
                                    .addAllPaths(
                                        IntStream.range(0, 5000)
                                            .mapToObj(i -> "no_such_field_" + "x".repeat(500) + i)
                                            .toList()))
                            .build()));
    assertTrue(v.size() <= 20, v.size() + " violations");
  }

  @Test
  void revokeKey_reasonTooLong_invalid() {
    String id = keyId();
    assertInvalid(
        "reason",
        () ->
            kg.admin()
                .revokeKey(
                    RevokeKeyRequest.newBuilder().setId(id).setReason("r".repeat(257)).build()));
  }

  @Test
  void rotateKey_gracePeriodOutOfRange_invalidNotACrash() {
    String id = keyId();
    assertInvalid(
        "grace_period",
        () ->
            kg.admin()
                .rotateKey(
                    RotateKeyRequest.newBuilder()
                        .setId(id)
                        .setGracePeriod(Duration.newBuilder().setSeconds(31L * 86_400))
                        .build()));
    assertInvalid(
        "grace_period",
        () ->
            kg.admin()
                .rotateKey(
                    RotateKeyRequest.newBuilder()
                        .setId(id)
                        .setGracePeriod(
                            Duration.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999))
                        .build()));
    assertEquals(
        1,
        kg.admin().getKey(GetKeyRequest.newBuilder().setId(id).build()).getScopesCount(),
        "the key is unchanged");
  }
}
