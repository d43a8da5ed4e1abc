package dev.keygate.audit;

/**
 * Where audit events are kept: one bounded trail per project plus a global trail for events with no
 * known project (a refused credential that matches no key). Implementations keep at most about
 * {@code maxEvents} per trail, dropping the oldest.
 *
 * <p>Implementations throw {@link dev.keygate.store.StoreUnavailableException} when the backing
 * store cannot answer.
 */
public interface AuditLog extends AutoCloseable {

  /**
   * The trail that holds every {@link AuditEvent#broadcast() broadcast} event of every project, in
   * the order appended (WatchEvents of the admin token, webhooks). Not a project name: project
   * names are lower-case letters, digits, {@code _} and {@code -}.
   */
  String ALL = "*";

  /** The largest {@code max} {@link #after} accepts. */
  int MAX_READ = 1000;

  /** Appends {@code event} to the trail of {@link AuditEvent#project()} ("" = global). */
  AuditEvent append(AuditEvent event);

  /**
   * Appends {@code event} (which must name a project) to its project's trail and, if it is
   * broadcast, to {@link #ALL}, unless an event with the same {@code onceKey} was appended before:
   * each of the two appends happens at most once per key however often, and from however many
   * sidecars, this is called (a sidecar that died half-way is finished by the next call). Markers
   * are kept for {@link #ONCE_MARKER_TTL}.
   *
   * @return true if this call appended to the project's trail
   */
  boolean appendOnce(String onceKey, AuditEvent event);

  /**
   * How long {@link #appendOnce} remembers a key (longer than any credit period or claim lease).
   */
  java.time.Duration ONCE_MARKER_TTL = java.time.Duration.ofDays(40);

  /**
   * Up to {@code max} events of a trail strictly after {@code afterId}, oldest first.
   *
   * @param trail a project, "" for the global trail, or {@link #ALL}
   * @param afterId an event id of this trail, or "0-0" for the oldest kept
   */
  java.util.List<AuditEvent> after(String trail, String afterId, int max);

  /** The id of a trail's newest event, "0-0" when it is empty. */
  String newestId(String trail);

  /**
   * The id of a trail's oldest kept event, "" when it is empty: events older than it were trimmed.
   */
  String oldestId(String trail);

  /**
   * One page of a trail, newest first.
   *
   * @param project the trail, "" for the global one
   * @param query filters, page size and the previous page's token
   * @throws IllegalArgumentException if the page token is not one this log issued
   */
  EventPage list(String project, EventQuery query);

  /** A one-line description for logs. */
  String describe();

  @Override
  default void close() {}
}
