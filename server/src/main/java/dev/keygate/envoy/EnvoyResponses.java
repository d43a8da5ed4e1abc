package dev.keygate.envoy;

import com.google.gson.JsonObject;
import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.keygate.authz.Decision;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.ratelimit.LimitState;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link Decision} into the ext_authz {@link CheckResponse} Envoy acts on. Envoy looks only
 * at whether {@code status.code} is OK; the HTTP status of a denial comes from {@code
 * denied_response.status} (403 when unset), so every denial sets it.
 */
final class EnvoyResponses {
  static final String KEY_ID = "x-keygate-key-id";
  static final String PROJECT = "x-keygate-project";
  static final String SCOPES = "x-keygate-scopes";
  static final String ENVIRONMENT = "x-keygate-environment";

  /** Headers keygate owns upstream: a client-sent header with this prefix is never passed on. */
  static final String OWN_PREFIX = "x-keygate-";

  private static final Set<String> IDENTITY = Set.of(KEY_ID, PROJECT, SCOPES, ENVIRONMENT);

  private EnvoyResponses() {}

  /**
   * The request goes upstream with identity headers that overwrite any the client sent, without the
   * headers that carried the key, and the client gets {@code RateLimit-*} headers.
   */
  static CheckResponse allowed(
      Decision.Allowed allowed,
      EnvoyRequest request,
      PresentedKey presented,
      boolean removeKeyHeaders) {
    ApiKeyRecord key = allowed.key();
    OkHttpResponse.Builder ok =
        OkHttpResponse.newBuilder()
            .addHeaders(overwrite(KEY_ID, key.id()))
            .addHeaders(overwrite(PROJECT, key.project()))
            .addHeaders(overwrite(SCOPES, String.join(" ", key.scopes())))
            .addHeaders(overwrite(ENVIRONMENT, key.kind().label()));
    if (removeKeyHeaders) {
      ok.addAllHeadersToRemove(presented.headers());
    }
    for (String name : request.headerNames()) {
      if (name.startsWith(OWN_PREFIX) && !IDENTITY.contains(name)) {
        ok.addHeadersToRemove(name);
      }
    }
    LimitState limit = allowed.limit();
    if (limit != null) {
      ok.addResponseHeadersToAdd(
              overwrite("ratelimit-limit", Integer.toString(limit.spec().requests())))
          .addResponseHeadersToAdd(
              overwrite("ratelimit-remaining", Integer.toString(limit.remaining())))
          .addResponseHeadersToAdd(
              overwrite("ratelimit-reset", Long.toString(seconds(limit.resetAfter()))));
    }
    Struct metadata =
        Struct.newBuilder()
            .putFields("key_id", text(key.id()))
            .putFields("project", text(key.project()))
            .putFields("environment", text(key.kind().label()))
            .build();
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(Code.OK.value()))
        .setOkResponse(ok)
        .setDynamicMetadata(metadata)
        .build();
  }

  /**
   * A denial as a successful RPC: {@code status.code} the reason's gRPC code, the HTTP status from
   * the reason table, a JSON body, {@code WWW-Authenticate} on 401 and {@code Retry-After} on 429.
   * The reason goes into dynamic metadata for access logs.
   */
  static CheckResponse denied(Decision.Denied denied) {
    Reason reason = denied.reason();
    DeniedHttpResponse.Builder http =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCodeValue(reason.httpStatus()))
            .addHeaders(overwrite("content-type", "application/json"))
            .addHeaders(overwrite("cache-control", "no-store"));
    JsonObject body = new JsonObject();
    body.addProperty("error", reason.grpcCode().name().toLowerCase(Locale.ROOT));
    body.addProperty("message", denied.message());
    body.addProperty("reason", reason.name());
    if (reason.grpcCode() == Code.UNAUTHENTICATED) {
      // RFC 6750: no error code when no credential was sent, invalid_token otherwise
      http.addHeaders(
          overwrite(
              "www-authenticate",
              reason == Reason.KEY_MISSING
                  ? "Bearer realm=\"keygate\""
                  : "Bearer realm=\"keygate\", error=\"invalid_token\""));
    }
    if (denied.retryAfter() != null) {
      long retry = seconds(denied.retryAfter());
      body.addProperty("retry_after", retry);
      http.addHeaders(overwrite("retry-after", Long.toString(retry)));
      String limit = denied.metadata().get("limit");
      if (limit != null) {
        http.addHeaders(overwrite("ratelimit-limit", limit))
            .addHeaders(overwrite("ratelimit-remaining", "0"))
            .addHeaders(overwrite("ratelimit-reset", Long.toString(retry)));
      }
    }
    String missing = denied.metadata().get("missing_scopes");
    if (missing != null) {
      body.addProperty("missing_scopes", missing);
    }
    http.setBody(body.toString());
    Struct.Builder metadata = Struct.newBuilder().putFields("reason", text(reason.name()));
    String keyId = denied.metadata().get("key_id");
    if (keyId != null) {
      metadata.putFields("key_id", text(keyId));
    }
    return CheckResponse.newBuilder()
        .setStatus(
            Status.newBuilder()
                .setCode(reason.grpcCode().value())
                .setMessage(denied.message())
                .addDetails(
                    Any.pack(
                        ErrorInfo.newBuilder()
                            .setDomain(Reason.DOMAIN)
                            .setReason(reason.name())
                            .putAllMetadata(denied.metadata())
                            .build())))
        .setDeniedResponse(http)
        .setDynamicMetadata(metadata)
        .build();
  }

  private static HeaderValueOption overwrite(String name, String value) {
    // OVERWRITE, not append: a client must not be able to add a second x-keygate-key-id
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** Whole seconds, rounded up, at least 1: "retry in 0 seconds" would invite a tight loop. */
  static long seconds(Duration d) {
    long millis = d.toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }
}
