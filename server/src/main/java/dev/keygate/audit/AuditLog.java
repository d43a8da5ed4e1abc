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

  /** Appends {@code event} to the trail of {@link AuditEvent#project()} ("" = global). */
  AuditEvent append(AuditEvent event);

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
