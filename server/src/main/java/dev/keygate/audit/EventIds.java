package dev.keygate.audit;

import java.util.regex.Pattern;

/** Event ids ({@code <millis>-<sequence>}, as Redis stream ids): checking and ordering them. */
public final class EventIds {
  private static final Pattern ID = Pattern.compile("\\d{1,19}-\\d{1,19}");

  /** The id before every event. */
  public static final String START = "0-0";

  private EventIds() {}

  /** True if {@code id} has the form of an event id. */
  public static boolean valid(String id) {
    return ID.matcher(id).matches();
  }

  /** Orders two valid ids as the log orders their events. */
  public static int compare(String a, String b) {
    int c = Long.compareUnsigned(part(a, 0), part(b, 0));
    return c != 0 ? c : Long.compareUnsigned(part(a, 1), part(b, 1));
  }

  private static long part(String id, int which) {
    int dash = id.indexOf('-');
    return Long.parseUnsignedLong(which == 0 ? id.substring(0, dash) : id.substring(dash + 1));
  }
}
