package dev.keygate.envoy;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an ext_authz {@link CheckRequest} keygate reads, whichever way Envoy sent them:
 * headers come in {@code headers} (names lower-cased, repeats joined by commas) or, with {@code
 * encode_raw_headers}, in {@code header_map} (values possibly only in {@code raw_value}). Envoy
 * fills one of the two; {@code header_map} is read when it has entries, repeats joined by commas as
 * Envoy joins them in {@code headers}.
 */
final class EnvoyRequest {
  private final Map<String, String> headers;
  private final String method;
  private final String path;
  private final Map<String, String> contextExtensions;
  private final String sourceAddress;

  private EnvoyRequest(
      Map<String, String> headers,
      String method,
      String path,
      Map<String, String> contextExtensions,
      String sourceAddress) {
    this.headers = headers;
    this.method = method;
    this.path = path;
    this.contextExtensions = contextExtensions;
    this.sourceAddress = sourceAddress;
  }

  static EnvoyRequest of(CheckRequest request) {
    AttributeContext attributes = request.getAttributes();
    AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
    Map<String, String> headers = new LinkedHashMap<>();
    if (http.getHeaderMap().getHeadersCount() > 0) {
      for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
        String value =
            h.getValue().isEmpty()
                ? h.getRawValue().toString(StandardCharsets.ISO_8859_1)
                : h.getValue();
        add(headers, h.getKey(), value);
      }
    } else {
      http.getHeadersMap().forEach((name, value) -> add(headers, name, value));
    }
    String method =
        http.getMethod().isEmpty() ? headers.getOrDefault(":method", "") : http.getMethod();
    String path = http.getPath().isEmpty() ? headers.getOrDefault(":path", "") : http.getPath();
    return new EnvoyRequest(
        headers,
        method,
        withoutQuery(path),
        attributes.getContextExtensionsMap(),
        attributes.getSource().getAddress().getSocketAddress().getAddress());
  }

  private static void add(Map<String, String> headers, String name, String value) {
    headers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b);
  }

  /** The path up to the query string or fragment, which never decide a route. */
  private static String withoutQuery(String path) {
    int end = path.length();
    int query = path.indexOf('?');
    int fragment = path.indexOf('#');
    if (query >= 0) {
      end = query;
    }
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    return path.substring(0, end);
  }

  /** The header's value (repeats joined by commas); null when absent. */
  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /** Every header name, lower-cased. */
  Set<String> headerNames() {
    return headers.keySet();
  }

  /** The method as sent (methods are case-sensitive); "" when Envoy sent none. */
  String method() {
    return method;
  }

  /** The path without query string; "" when Envoy sent none. */
  String path() {
    return path;
  }

  /** The downstream connection's address as Envoy saw it ({@code source.address}); "" if none. */
  String sourceAddress() {
    return sourceAddress;
  }

  /** A context extension of the route; null when unset. */
  String contextExtension(String name) {
    return contextExtensions.get(name);
  }
}
