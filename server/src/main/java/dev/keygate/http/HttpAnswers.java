package dev.keygate.http;

import com.google.gson.JsonObject;
import dev.keygate.authz.Decision;
import dev.keygate.envoy.PresentedKey;
import dev.keygate.error.ErrorAnswers;
import dev.keygate.error.KeygateException;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.ratelimit.LimitState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Decision} into the answer to a proxy's auth request: 200 with identity headers the
 * proxy copies upstream, or the denial's status, headers and JSON body from {@link
 * ErrorAnswers#http} (the same body Envoy's gRPC surface sends).
 */
final class HttpAnswers {
  // the same names as the Envoy gRPC surface's, so an application sees one set of headers
  static final String KEY_ID = "x-keygate-key-id";
  static final String PROJECT = "x-keygate-project";
  static final String SCOPES = "x-keygate-scopes";
  static final String ENVIRONMENT = "x-keygate-environment";

  /**
   * nginx's auth_request passes a subrequest's 401 and 403 on (without body) and turns every other
   * status into 500, so for nginx the real status and body also travel in these headers, for the
   * config's error page to answer with.
   */
  static final String STATUS = "x-keygate-status";

  static final String ERROR = "x-keygate-error";

  /** Envoy's HTTP ext_authz removes the request headers this response header lists. */
  static final String ENVOY_REMOVE = "x-envoy-auth-headers-to-remove";

  private HttpAnswers() {}

  static HttpAnswer allowed(
      Decision.Allowed allowed,
      OriginalRequest.Convention convention,
      PresentedKey presented,
      boolean removeKeyHeaders) {
    ApiKeyRecord key = allowed.key();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry(KEY_ID, key.id()));
    headers.add(Map.entry(PROJECT, key.project()));
    headers.add(Map.entry(SCOPES, String.join(" ", key.scopes())));
    headers.add(Map.entry(ENVIRONMENT, key.kind().label()));
    headers.add(Map.entry("cache-control", "no-store"));
    LimitState limit = allowed.limit();
    if (limit != null) {
      headers.add(Map.entry("ratelimit-limit", Integer.toString(limit.spec().requests())));
      headers.add(Map.entry("ratelimit-remaining", Integer.toString(limit.remaining())));
      headers.add(
          Map.entry("ratelimit-reset", Long.toString(ErrorAnswers.seconds(limit.resetAfter()))));
    }
    if (convention == OriginalRequest.Convention.ENVOY
        && removeKeyHeaders
        && !presented.headers().isEmpty()) {
      headers.add(Map.entry(ENVOY_REMOVE, String.join(",", presented.headers())));
    }
    return new HttpAnswer(200, headers, "");
  }

  static HttpAnswer denied(Decision.Denied denied, OriginalRequest.Convention convention) {
    return refusal(denied.toException(), convention);
  }

  static HttpAnswer refusal(KeygateException e, OriginalRequest.Convention convention) {
    ErrorAnswers.Http http = ErrorAnswers.http(e);
    List<Map.Entry<String, String>> headers = new ArrayList<>(http.headers());
    if (convention == OriginalRequest.Convention.NGINX) {
      headers.add(Map.entry(STATUS, Integer.toString(http.status())));
      headers.add(Map.entry(ERROR, ascii(http.body())));
    }
    return new HttpAnswer(http.status(), headers, http.body());
  }

  /** 404: the auth request named no endpoint (a proxy misconfiguration, not a decision). */
  static HttpAnswer notFound() {
    return plain(
        404, "not_found", "no such endpoint: use /nginx, /forward or the Envoy prefix", "");
  }

  /** A request refused before any decision: malformed, too large, too slow. */
  static HttpAnswer badRequest(int status, String message) {
    return plain(status, "invalid_argument", message, "INVALID_ARGUMENT");
  }

  /** A request keygate did not decide: a failure of its own, never an allow. */
  static HttpAnswer internal() {
    return plain(500, "internal", "internal error", "");
  }

  private static HttpAnswer plain(int status, String error, String message, String reason) {
    JsonObject body = new JsonObject();
    body.addProperty("error", error);
    body.addProperty("message", message);
    if (!reason.isEmpty()) {
      body.addProperty("reason", reason);
    }
    return new HttpAnswer(
        status,
        List.of(
            Map.entry("content-type", "application/json"), Map.entry("cache-control", "no-store")),
        body.toString());
  }

  /** JSON with every non-ASCII or control character escaped, so it is a valid header value. */
  static String ascii(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
