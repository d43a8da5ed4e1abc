package dev.keygate.http;

import java.util.List;

/**
 * The request a proxy asks about, read from its auth request by the convention of the endpoint it
 * called. Each proxy gets an endpoint of its own, and each endpoint reads only its convention's
 * headers: proxies pass client headers on to the auth request, so if one endpoint accepted several
 * conventions a client could add {@code X-Original-URI} behind Caddy and pick the route it is
 * checked against.
 *
 * @param convention how the proxy said it
 * @param method the original method; null when the proxy did not send it
 * @param path the original path without query string or fragment; null when not sent
 * @param host the original host; null when not sent (routes do not depend on it)
 */
public record OriginalRequest(Convention convention, String method, String path, String host) {
  /** nginx {@code auth_request}: {@code X-Original-Method}, {@code X-Original-URI}. */
  public static final String NGINX_PATH = "/nginx";

  /** Caddy {@code forward_auth}, Traefik ForwardAuth: {@code X-Forwarded-Method/-Uri/-Host}. */
  public static final String FORWARD_PATH = "/forward";

  /** Which proxy convention an auth request follows. */
  public enum Convention {
    NGINX,
    FORWARD,
    /** Envoy's HTTP ext_authz: the original method, the original path under a prefix. */
    ENVOY
  }

  /** A request's headers by lower-case name, every value of a repeated header in order. */
  @FunctionalInterface
  public interface Headers {
    List<String> all(String lowerCaseName);

    /** The header's values joined by commas; null when absent. */
    default String joined(String lowerCaseName) {
      List<String> values = all(lowerCaseName);
      return values.isEmpty() ? null : String.join(",", values);
    }
  }

  /** True when {@code prefix} would shadow or be shadowed by another endpoint. */
  static boolean reserved(String prefix) {
    for (String path : List.of(NGINX_PATH, FORWARD_PATH)) {
      if (prefix.equals(path) || prefix.startsWith(path + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads the original request from an auth request.
   *
   * @param method the auth request's method
   * @param uri the auth request's target as received
   * @param envoyPrefix {@code KEYGATE_HTTP_ENVOY_PREFIX}
   * @return null when {@code uri} names no endpoint (answered 404)
   * @throws IllegalArgumentException when a convention header appears more than once (answered
   *     400): a proxy sets each exactly once, so a repeat is a client's addition
   */
  public static OriginalRequest of(String method, String uri, Headers headers, String envoyPrefix) {
    String endpoint = withoutQuery(uri);
    if (endpoint.equals(NGINX_PATH)) {
      return new OriginalRequest(
          Convention.NGINX,
          single(headers, "x-original-method"),
          pathOf(single(headers, "x-original-uri")),
          single(headers, "host"));
    }
    if (endpoint.equals(FORWARD_PATH)) {
      return new OriginalRequest(
          Convention.FORWARD,
          single(headers, "x-forwarded-method"),
          pathOf(single(headers, "x-forwarded-uri")),
          single(headers, "x-forwarded-host"));
    }
    if (uri.startsWith(envoyPrefix + "/")) {
      return new OriginalRequest(
          Convention.ENVOY,
          method,
          pathOf(uri.substring(envoyPrefix.length())),
          single(headers, "host"));
    }
    return null;
  }

  private static String single(Headers headers, String name) {
    List<String> values = headers.all(name);
    if (values.size() > 1) {
      throw new IllegalArgumentException("the header " + name + " appears more than once");
    }
    return values.isEmpty() ? null : values.get(0).strip();
  }

  private static String pathOf(String uri) {
    return uri == null ? null : withoutQuery(uri);
  }

  /** The target up to the query string or fragment, which never decide a route. */
  static String withoutQuery(String uri) {
    int end = uri.length();
    int query = uri.indexOf('?');
    int fragment = uri.indexOf('#');
    if (query >= 0) {
      end = query;
    }
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    return uri.substring(0, end);
  }
}
