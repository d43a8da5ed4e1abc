package dev.keygate.events;

import java.time.Duration;

/**
 * Who delivers webhooks, and how far: one lease held by one sidecar at a time, and the id of the
 * last event delivered. Moving the cursor is fenced by the lease, so a sidecar that lost its lease
 * (paused, partitioned) cannot move it back or forward under its successor.
 */
public interface DeliveryLease {

  /** Takes the lease if free, or renews it if {@code owner} holds it; true if it holds it now. */
  boolean hold(String owner, Duration ttl);

  /** Sets the cursor to {@code eventId} unless one is set (the first sidecar's start). */
  void initCursor(String eventId);

  /** The id of the last event delivered (or given up); "" before {@link #initCursor}. */
  String cursor();

  /** Moves the cursor if {@code owner} still holds the lease; false if it does not. */
  boolean advance(String owner, String eventId);

  /** Gives the lease up if {@code owner} holds it, so another sidecar takes over at once. */
  void release(String owner);
}
