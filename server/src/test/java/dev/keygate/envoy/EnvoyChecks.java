package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds ext_authz {@link CheckRequest}s shaped as Envoy sends them (lower-cased header names,
 * pseudo-headers, the path with its query string, x-request-id, peer addresses, per-route context
 * extensions) and asserts on {@link CheckResponse}s.
 */
final class EnvoyChecks {
  private final String method;
  private final String path;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final Map<String, String> contextExtensions = new LinkedHashMap<>();
  private boolean rawHeaders;
  private String sourceAddress = "10.1.2.3";

  private EnvoyChecks(String method, String path) {
    this.method = method;
    this.path = path;
    headers.put(":authority", "tasks.example.com");
    headers.put(":method", method);
    headers.put(":path", path);
    headers.put(":scheme", "https");
    headers.put("user-agent", "curl/8.5.0");
    headers.put("x-forwarded-proto", "https");
    headers.put("x-request-id", "6f1c2d9e-8c1b-4a8e-9d55-0b7b2a3f9c11");
  }

  static EnvoyChecks request(String method, String path) {
    return new EnvoyChecks(method, path);
  }

  EnvoyChecks header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  EnvoyChecks bearer(String key) {
    return header("authorization", "Bearer " + key);
  }

  EnvoyChecks scope(String requirement) {
    contextExtensions.put(EnvoyAuthorizationService.SCOPE_EXTENSION, requirement);
    return this;
  }

  /** The route's {@code keygate_cost} context extension: the credits a call costs. */
  EnvoyChecks cost(String credits) {
    contextExtensions.put(EnvoyAuthorizationService.COST_EXTENSION, credits);
    return this;
  }

  /** The downstream client's address ({@code source.address}); default 10.1.2.3. */
  EnvoyChecks source(String ip) {
    sourceAddress = ip;
    return this;
  }

  /** Sends headers in header_map with raw_value only, as Envoy does with encode_raw_headers. */
  EnvoyChecks rawHeaders() {
    rawHeaders = true;
    return this;
  }

  CheckRequest build() {
    AttributeContext.HttpRequest.Builder http =
        AttributeContext.HttpRequest.newBuilder()
            .setId(headers.get("x-request-id"))
            .setMethod(method)
            .setPath(path)
            .setHost(headers.get(":authority"))
            .setScheme("https")
            .setProtocol("HTTP/1.1");
    if (rawHeaders) {
      HeaderMap.Builder map = HeaderMap.newBuilder();
      headers.forEach(
          (k, v) ->
              map.addHeaders(
                  HeaderValue.newBuilder()
                      .setKey(k)
                      .setRawValue(ByteString.copyFrom(v, StandardCharsets.ISO_8859_1))));
      http.setHeaderMap(map);
    } else {
      http.putAllHeaders(headers);
    }
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(peer(sourceAddress, 51234))
                .setDestination(peer("10.1.2.4", 8080))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http))
                .putAllContextExtensions(contextExtensions))
        .build();
  }

  private static AttributeContext.Peer peer(String ip, int port) {
    return AttributeContext.Peer.newBuilder()
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)))
        .build();
  }

  // ---- assertions ----

  /** Header name -> value of a list of header options. */
  static Map<String, String> headers(List<HeaderValueOption> options) {
    Map<String, String> out = new LinkedHashMap<>();
    for (HeaderValueOption o : options) {
      out.put(o.getHeader().getKey(), o.getHeader().getValue());
    }
    return out;
  }

  /** Asserts every header option overwrites (so clients cannot add a second value). */
  static void assertOverwrite(List<HeaderValueOption> options) {
    for (HeaderValueOption o : options) {
      assertEquals(
          HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
          o.getAppendAction(),
          o.getHeader().getKey());
      assertFalse(o.hasAppend(), "legacy append must stay unset: " + o.getHeader().getKey());
    }
  }

  /**
   * Asserts a denial as Envoy acts on it: non-OK status code, the HTTP status, JSON body with
   * error/message/reason, content-type, the reason in dynamic metadata; returns the body.
   */
  static JsonObject assertDenied(
      CheckResponse response, int httpStatus, Status.Code code, String reason) {
    assertEquals(code.value(), response.getStatus().getCode(), () -> response.toString());
    assertTrue(response.hasDeniedResponse(), "denied_response set");
    assertFalse(response.hasOkResponse());
    var denied = response.getDeniedResponse();
    assertEquals(httpStatus, denied.getStatus().getCodeValue());
    assertOverwrite(denied.getHeadersList());
    Map<String, String> h = headers(denied.getHeadersList());
    assertEquals("application/json", h.get("content-type"));
    JsonObject body = JsonParser.parseString(denied.getBody()).getAsJsonObject();
    assertEquals(reason, body.get("reason").getAsString());
    assertEquals(code.name().toLowerCase(java.util.Locale.ROOT), body.get("error").getAsString());
    assertFalse(body.get("message").getAsString().isBlank());
    assertEquals(reason, response.getDynamicMetadata().getFieldsOrThrow("reason").getStringValue());
    if (httpStatus == 401) {
      assertTrue(
          h.get("www-authenticate").startsWith("Bearer realm=\"keygate\""),
          "WWW-Authenticate: " + h.get("www-authenticate"));
    } else {
      assertFalse(h.containsKey("www-authenticate"));
    }
    return body;
  }
}
