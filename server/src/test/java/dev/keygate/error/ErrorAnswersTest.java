package dev.keygate.error;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapper from a refusal to gRPC and HTTP answers: every detail and header, exactly. */
class ErrorAnswersTest {
  private static KeygateException refusal(
      Reason reason, Map<String, String> metadata, Duration retryAfter) {
    return new KeygateException(reason, "why", metadata, List.of(), retryAfter);
  }

  private static List<String> types(com.google.rpc.Status s) {
    return s.getDetailsList().stream().map(Any::getTypeUrl).toList();
  }

  @Test
  void rpcStatus_plainRefusal_errorInfoOnly() throws InvalidProtocolBufferException {
    com.google.rpc.Status s =
        ErrorAnswers.rpcStatus(refusal(Reason.KEY_UNKNOWN, Map.of("key_id", "abc"), null));
    assertEquals(Status.Code.UNAUTHENTICATED.value(), s.getCode());
    assertEquals("why", s.getMessage());
    assertEquals(List.of("type.googleapis.com/google.rpc.ErrorInfo"), types(s));
    ErrorInfo info = s.getDetails(0).unpack(ErrorInfo.class);
    assertEquals("keygate", info.getDomain());
    assertEquals("KEY_UNKNOWN", info.getReason());
    assertEquals(Map.of("key_id", "abc"), info.getMetadataMap());
  }

  @Test
  void rpcStatus_violations_badRequestInOrder() throws InvalidProtocolBufferException {
    KeygateException e =
        KeygateException.invalid(
            List.of(new FieldViolation("name", "blank"), new FieldViolation("scopes[0]", "bad")));
    com.google.rpc.Status s = ErrorAnswers.rpcStatus(e);
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), s.getCode());
    assertEquals("name: blank (and 1 more)", s.getMessage());
    BadRequest bad = s.getDetails(1).unpack(BadRequest.class);
    assertEquals(2, s.getDetailsCount());
    assertEquals("name", bad.getFieldViolations(0).getField());
    assertEquals("blank", bad.getFieldViolations(0).getDescription());
    assertEquals("scopes[0]", bad.getFieldViolations(1).getField());
    assertEquals("bad", bad.getFieldViolations(1).getDescription());
  }

  @Test
  void rpcStatus_retryAfter_retryInfoToTheNanosecond() throws InvalidProtocolBufferException {
    com.google.rpc.Status s =
        ErrorAnswers.rpcStatus(
            refusal(Reason.STORE_UNAVAILABLE, Map.of(), Duration.ofSeconds(2, 500_000_000)));
    assertEquals(
        List.of(
            "type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.RetryInfo"),
        types(s));
    RetryInfo retry = s.getDetails(1).unpack(RetryInfo.class);
    assertEquals(2, retry.getRetryDelay().getSeconds());
    assertEquals(500_000_000, retry.getRetryDelay().getNanos());
  }

  @Test
  void rpcStatus_rateLimitedKey_quotaFailureNamesTheKey() throws InvalidProtocolBufferException {
    com.google.rpc.Status s =
        ErrorAnswers.rpcStatus(
            refusal(
                Reason.RATE_LIMITED,
                Map.of("subject", "key", "key_id", "k1", "project", "p1"),
                Duration.ofSeconds(1)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED.value(), s.getCode());
    QuotaFailure q = s.getDetails(2).unpack(QuotaFailure.class);
    assertEquals("key:k1", q.getViolations(0).getSubject());
    assertEquals("why", q.getViolations(0).getDescription());
  }

  @Test
  void rpcStatus_rateLimitedProject_quotaFailureNamesTheProject()
      throws InvalidProtocolBufferException {
    com.google.rpc.Status s =
        ErrorAnswers.rpcStatus(
            refusal(
                Reason.RATE_LIMITED,
                Map.of("subject", "project", "key_id", "k1", "project", "p1"),
                null));
    assertEquals(2, s.getDetailsCount());
    QuotaFailure q = s.getDetails(1).unpack(QuotaFailure.class);
    assertEquals("project:p1", q.getViolations(0).getSubject());
  }

  @Test
  void grpc_statusAndDetailsTrailer() {
    KeygateException e = refusal(Reason.SCOPE_MISSING, Map.of("missing_scopes", "a:b"), null);
    StatusRuntimeException sre = ErrorAnswers.grpc(e);
    assertEquals(Status.Code.PERMISSION_DENIED, sre.getStatus().getCode());
    assertEquals("why", sre.getStatus().getDescription());
    Metadata.Key<com.google.rpc.Status> details =
        Metadata.Key.of(
            "grpc-status-details-bin",
            ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));
    assertEquals(ErrorAnswers.rpcStatus(e), sre.getTrailers().get(details));
    assertSame(sre, sre.fillInStackTrace());
    assertArrayEquals(new StackTraceElement[0], sre.getStackTrace());
  }

  @Test
  void http_missingKey_401BearerChallengeWithoutError() {
    ErrorAnswers.Http h = ErrorAnswers.http(refusal(Reason.KEY_MISSING, Map.of(), null));
    assertEquals(401, h.status());
    assertEquals(
        List.of(
            Map.entry("content-type", "application/json"),
            Map.entry("cache-control", "no-store"),
            Map.entry("www-authenticate", "Bearer realm=\"keygate\"")),
        h.headers());
    assertEquals(
        "{\"error\":\"unauthenticated\",\"message\":\"why\",\"reason\":\"KEY_MISSING\"}", h.body());
  }

  @Test
  void http_badKey_401InvalidToken() {
    ErrorAnswers.Http h = ErrorAnswers.http(refusal(Reason.KEY_REVOKED, Map.of(), null));
    assertEquals(401, h.status());
    assertEquals(
        Map.entry("www-authenticate", "Bearer realm=\"keygate\", error=\"invalid_token\""),
        h.headers().get(2));
    assertEquals(3, h.headers().size());
  }

  @Test
  void http_permissionDenied_noChallenge_missingScopesAndAddressInBody() {
    ErrorAnswers.Http h =
        ErrorAnswers.http(
            refusal(
                Reason.SCOPE_MISSING,
                Map.of("missing_scopes", "tasks:write", "client_address", "192.0.2.1"),
                null));
    assertEquals(403, h.status());
    assertEquals(2, h.headers().size());
    assertEquals(
        "{\"error\":\"permission_denied\",\"message\":\"why\",\"reason\":\"SCOPE_MISSING\","
            + "\"missing_scopes\":\"tasks:write\",\"client_address\":\"192.0.2.1\"}",
        h.body());
  }

  @Test
  void http_rateLimited_retryAfterAndRateLimitHeaders() {
    ErrorAnswers.Http h =
        ErrorAnswers.http(
            refusal(Reason.RATE_LIMITED, Map.of("limit", "5/60s"), Duration.ofMillis(1_200)));
    assertEquals(429, h.status());
    assertEquals(
        List.of(
            Map.entry("content-type", "application/json"),
            Map.entry("cache-control", "no-store"),
            Map.entry("retry-after", "2"),
            Map.entry("ratelimit-limit", "5/60s"),
            Map.entry("ratelimit-remaining", "0"),
            Map.entry("ratelimit-reset", "2")),
        h.headers());
    assertEquals(
        "{\"error\":\"resource_exhausted\",\"message\":\"why\",\"reason\":\"RATE_LIMITED\","
            + "\"retry_after\":2}",
        h.body());
  }

  @Test
  void http_retryWithoutLimit_onlyRetryAfter() {
    ErrorAnswers.Http h =
        ErrorAnswers.http(refusal(Reason.STORE_UNAVAILABLE, Map.of(), Duration.ofSeconds(3)));
    assertEquals(503, h.status());
    assertEquals(Map.entry("retry-after", "3"), h.headers().get(2));
    assertEquals(3, h.headers().size());
  }

  @Test
  void seconds_roundsUpAtLeastOne() {
    assertEquals(1, ErrorAnswers.seconds(Duration.ZERO));
    assertEquals(1, ErrorAnswers.seconds(Duration.ofMillis(1)));
    assertEquals(1, ErrorAnswers.seconds(Duration.ofMillis(1_000)));
    assertEquals(2, ErrorAnswers.seconds(Duration.ofMillis(1_001)));
    assertEquals(60, ErrorAnswers.seconds(Duration.ofSeconds(60)));
  }

  @Test
  void reason_table_codesStatusesAndSummaries() {
    assertEquals(401, Reason.KEY_EXPIRED.httpStatus());
    assertEquals(403, Reason.KEY_DISABLED.httpStatus());
    assertEquals(409, Reason.CONCURRENT_MODIFICATION.httpStatus());
    assertEquals(Status.Code.ABORTED, Reason.CONCURRENT_MODIFICATION.grpcCode());
    assertEquals("the API key has expired", Reason.KEY_EXPIRED.summary());
  }

  @Test
  void keygateException_retryAfterAndMetadataKept() {
    KeygateException e =
        new KeygateException(
            Reason.RATE_LIMITED, "m", Map.of("a", "b"), List.of(), Duration.ofSeconds(4));
    assertEquals(Duration.ofSeconds(4), e.retryAfter());
    assertEquals(Map.of("a", "b"), e.metadata());
    assertEquals(Reason.RATE_LIMITED, e.reason());
    assertEquals("m", e.getMessage());
  }

  @Test
  void http_creditsRemainingAndRefill_inBody() {
    ErrorAnswers.Http h =
        ErrorAnswers.http(
            refusal(
                Reason.SCOPE_MISSING,
                Map.of("credits_remaining", "0", "next_refill_at", "2026-12-01T00:00:00Z"),
                null));
    assertEquals(
        "{\"error\":\"permission_denied\",\"message\":\"why\",\"reason\":\"SCOPE_MISSING\","
            + "\"credits_remaining\":0,\"next_refill_at\":\"2026-12-01T00:00:00Z\"}",
        h.body());
    ErrorAnswers.Http noRefill =
        ErrorAnswers.http(refusal(Reason.SCOPE_MISSING, Map.of("credits_remaining", "7"), null));
    assertTrue(noRefill.body().endsWith(",\"credits_remaining\":7}"), noRefill.body());
  }
}
