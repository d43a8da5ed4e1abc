package dev.keygate.events;

import dev.keygate.grpc.EventWatchers;
import dev.keygate.metrics.KeygateMetrics;

/** The meters of lifecycle events, WatchEvents and the webhook, read at scrape time. */
public final class EventMeters {
  private EventMeters() {}

  public static void bind(KeygateMetrics metrics, EventMachinery events, EventWatchers watchers) {
    LifecycleEvents lifecycle = events.lifecycle();
    metrics.counter(
        "keygate.events.lifecycle.emitted",
        "Lifecycle events this sidecar appended to the audit trail",
        lifecycle::emitted);
    metrics.counter(
        "keygate.events.lifecycle.failures",
        "Lifecycle scheduling, claiming or appending failures (retried through the claim lease)",
        lifecycle::failures);
    metrics.counter(
        "keygate.events.lifecycle.dropped",
        "Credit crossings not queued (queue full; reported again by the next spend)",
        lifecycle::droppedQueueFull);
    metrics.gauge("keygate.watch.streams", "WatchEvents streams open", watchers::open);
    metrics.counter(
        "keygate.watch.events.sent", "Events sent to WatchEvents streams", watchers::sent);
    events
        .webhook()
        .ifPresent(
            w -> {
              String deliveries = "Webhook deliveries by result";
              metrics.counter(
                  "keygate.webhook.deliveries", deliveries, w::delivered, "result", "delivered");
              metrics.counter(
                  "keygate.webhook.deliveries", deliveries, w::attemptsFailed, "result", "failed");
              metrics.counter(
                  "keygate.webhook.deliveries", deliveries, w::givenUp, "result", "given_up");
              metrics.gauge(
                  "keygate.webhook.holding",
                  "1 while this sidecar holds the webhook delivery lease",
                  () -> w.holding() ? 1 : 0);
            });
  }
}
