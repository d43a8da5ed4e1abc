package dev.keygate.store;

import dev.keygate.key.ApiKeyRecord;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Opaque list cursors shared by the stores: the position {@code <created millis, 13 digits>:<id>}
 * of the last key on a page, base64url-encoded. Positions sort in creation order as strings.
 */
final class PageTokens {
  private static final Pattern POSITION = Pattern.compile("\\d{13}:[0-9A-Za-z]{1,64}");

  private PageTokens() {}

  /** The sortable position of a key. */
  static String position(ApiKeyRecord key) {
    return String.format("%013d:%s", key.createdAt().toEpochMilli(), key.id());
  }

  static String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(position.getBytes(StandardCharsets.US_ASCII));
  }

  /** The position in a token; "" for the empty token. */
  static String decode(String token) {
    if (token == null || token.isEmpty()) {
      return "";
    }
    try {
      String position = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
      if (POSITION.matcher(position).matches()) {
        return position;
      }
    } catch (IllegalArgumentException e) {
      // fall through: not base64
    }
    throw new IllegalArgumentException("page_token is not a token this server issued");
  }
}
