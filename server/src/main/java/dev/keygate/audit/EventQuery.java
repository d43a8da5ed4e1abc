package dev.keygate.audit;

import java.util.regex.Pattern;

/**
 * What {@link AuditLog#list} returns: at most {@code pageSize} events older than the page token,
 * newest first, matching the filters.
 *
 * @param pageToken the previous page's {@link EventPage#nextPageToken()}, "" for the newest
 * @param pageSize events per page, at least 1
 * @param keyId only events about this key id; "" = any
 * @param action only this action ({@link AuditEvent#ACTIONS}); "" = any
 */
public record EventQuery(String pageToken, int pageSize, String keyId, String action) {
  /**
   * The most entries one call examines when filters skip most of them: a page can then be short (or
   * empty) with a token to go on, so no call scans a whole trail.
   */
  public static final int MAX_SCAN = 2000;

  private static final Pattern TOKEN = Pattern.compile("\\d{1,19}-\\d{1,19}");

  public EventQuery {
    pageToken = pageToken == null ? "" : pageToken;
    keyId = keyId == null ? "" : keyId;
    action = action == null ? "" : action;
    if (!pageToken.isEmpty() && !TOKEN.matcher(pageToken).matches()) {
      throw new IllegalArgumentException("page_token is not a token this server issued");
    }
  }

  /** True if {@code e} passes the filters. */
  public boolean matches(AuditEvent e) {
    return (keyId.isEmpty() || keyId.equals(e.keyId()))
        && (action.isEmpty() || action.equals(e.action()));
  }

  /** The page token as (millis, sequence); {@code null} for the first page. */
  long[] position() {
    if (pageToken.isEmpty()) {
      return null;
    }
    int dash = pageToken.indexOf('-');
    try {
      return new long[] {
        Long.parseLong(pageToken.substring(0, dash)), Long.parseLong(pageToken.substring(dash + 1))
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("page_token is not a token this server issued");
    }
  }
}
