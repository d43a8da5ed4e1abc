package dev.keygate.events;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.RedisAuditLog;
import dev.keygate.store.KeyStore;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lifecycle events and the webhook of one sidecar, over the audit log's backing: Redis (shared
 * by every sidecar) when the log is in Redis, else this process's memory.
 */
public final class EventMachinery implements AutoCloseable {
  private final LifecycleEvents lifecycle;
  private final Optional<WebhookDispatcher> webhook;

  /**
   * @param store the authoritative key store (not the decision path's cache)
   * @param toJson an event as JSON (the API's mapping), for webhook bodies
   */
  public EventMachinery(
      AuditLog log,
      KeyStore store,
      Clock clock,
      EventSettings events,
      WebhookSettings webhooks,
      Function<AuditEvent, byte[]> toJson) {
    DueEvents due;
    DeliveryLease lease;
    if (log instanceof RedisAuditLog redis) {
      due = new RedisDueEvents(redis.commands(), redis.namespace());
      lease = new RedisDeliveryLease(redis.commands(), redis.namespace());
    } else {
      due = new InMemoryDueEvents();
      lease = new InMemoryDeliveryLease();
    }
    this.lifecycle = new LifecycleEvents(due, log, store, clock, events);
    this.webhook =
        webhooks.endpoint().map(e -> new WebhookDispatcher(log, lease, e, webhooks, clock, toJson));
  }

  public LifecycleEvents lifecycle() {
    return lifecycle;
  }

  /** The webhook dispatcher, when a webhook is configured. */
  public Optional<WebhookDispatcher> webhook() {
    return webhook;
  }

  @Override
  public void close() {
    webhook.ifPresent(WebhookDispatcher::close);
    lifecycle.close();
  }
}
