package dev.keygate.http;

import java.util.List;
import java.util.Map;

/**
 * What keygate answers an auth request, before it is put on the wire.
 *
 * @param status the HTTP status
 * @param headers lower-case names, in order
 * @param body the body ("" = none)
 */
public record HttpAnswer(int status, List<Map.Entry<String, String>> headers, String body) {
  public HttpAnswer {
    headers = List.copyOf(headers);
  }

  /** The first value of a header; null when absent. */
  public String header(String lowerCaseName) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals(lowerCaseName)) {
        return h.getValue();
      }
    }
    return null;
  }
}
