package dev.keygate.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The key an HTTP request presents, and every header that carried a credential (removed before the
 * request goes upstream, so the application never sees a secret). Only headers are read: a key in a
 * query string would end up in access logs and browser histories.
 *
 * @param key the first credential found in the configured header order; null when none
 * @param headers lower-cased names of the headers that carried a credential
 */
public record PresentedKey(String key, List<String> headers) {
  static final String AUTHORIZATION = "authorization";
  private static final String BEARER = "bearer ";

  public PresentedKey {
    headers = List.copyOf(headers);
  }

  /**
   * Reads the configured headers in order. {@code authorization} counts only in the Bearer scheme
   * (a Basic credential meant for the application is left alone); any other header counts whole.
   */
  static PresentedKey from(EnvoyRequest request, List<String> keyHeaders) {
    return from(request::header, keyHeaders);
  }

  /**
   * As {@link #from(EnvoyRequest, List)}, over any request's headers.
   *
   * @param header a header's value by lower-case name (repeats joined by commas); null when absent
   */
  public static PresentedKey from(UnaryOperator<String> header, List<String> keyHeaders) {
    String key = null;
    List<String> carriers = new ArrayList<>();
    for (String name : keyHeaders) {
      String credential = credential(name, header.apply(name));
      if (credential != null) {
        carriers.add(name);
        if (key == null) {
          key = credential;
        }
      }
    }
    return new PresentedKey(key, carriers);
  }

  private static String credential(String name, String value) {
    if (value == null) {
      return null;
    }
    String credential = value;
    if (name.equals(AUTHORIZATION)) {
      if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return null;
      }
      credential = value.substring(BEARER.length());
    }
    credential = credential.strip();
    return credential.isEmpty() ? null : credential;
  }

  @Override
  public String toString() {
    // the record's generated toString would print the secret
    return "PresentedKey[headers=" + headers + "]";
  }
}
