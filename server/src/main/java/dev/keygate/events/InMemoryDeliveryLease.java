package dev.keygate.events;

import java.time.Duration;

/** {@link DeliveryLease} of the in-memory store: one process, so one holder at a time by lock. */
public final class InMemoryDeliveryLease implements DeliveryLease {
  private String owner = "";
  private long expiresNanos;
  private String cursor = "";

  @Override
  public synchronized boolean hold(String who, Duration ttl) {
    long now = System.nanoTime();
    if (owner.isEmpty() || owner.equals(who) || now - expiresNanos > 0) {
      owner = who;
      expiresNanos = now + ttl.toNanos();
      return true;
    }
    return false;
  }

  @Override
  public synchronized void initCursor(String eventId) {
    if (cursor.isEmpty()) {
      cursor = eventId;
    }
  }

  @Override
  public synchronized String cursor() {
    return cursor;
  }

  @Override
  public synchronized boolean advance(String who, String eventId) {
    if (!owner.equals(who)) {
      return false;
    }
    cursor = eventId;
    return true;
  }

  @Override
  public synchronized void release(String who) {
    if (owner.equals(who)) {
      owner = "";
    }
  }
}
