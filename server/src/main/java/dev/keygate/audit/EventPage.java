package dev.keygate.audit;

import java.util.List;

/**
 * One page of a trail.
 *
 * @param events newest first
 * @param nextPageToken token for the next (older) page; "" when there is none
 */
public record EventPage(List<AuditEvent> events, String nextPageToken) {
  public EventPage {
    events = List.copyOf(events);
  }
}
