package dev.keygate.audit;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit trail of one keygate instance, never at the expense of the call being audited.
 *
 * <ul>
 *   <li><b>Admin actions</b> are not written here: the key store writes each change's event in the
 *       same step as the change ({@link dev.keygate.store.KeyStore#replace}), so no crash keeps one
 *       without the other.
 *   <li><b>Failures</b> ({@link #sampleFailure}) come from the hot path: at most N per second and
 *       trail are queued (the rest only counted, and the next sample carries how many were
 *       dropped), and one background thread appends them. A full queue drops too; nothing blocks a
 *       decision.
 * </ul>
 */
public final class AuditTrail implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  static final int QUEUE_CAPACITY = 1024;

  private final AuditLog auditLog;
  private final Clock clock;
  private final FailureSampler sampler;
  private final BlockingQueue<AuditEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread writer;
  private final LongAdder written = new LongAdder();
  private final LongAdder appendFailures = new LongAdder();
  private final LongAdder droppedRateLimited = new LongAdder();
  private final LongAdder droppedQueueFull = new LongAdder();
  private volatile boolean closed;

  /**
   * @param samplesPerSecond failure samples admitted per trail and second; 0 = none
   */
  public AuditTrail(AuditLog auditLog, Clock clock, int samplesPerSecond) {
    this.auditLog = auditLog;
    this.clock = clock;
    this.sampler = new FailureSampler(samplesPerSecond, clock);
    this.writer = new Thread(this::writeSamples, "keygate-audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** The log the trail writes to (ListEvents reads it). */
  public AuditLog log() {
    return auditLog;
  }

  /**
   * Queues a failure for the trail of {@code project} ("" = global) if the trail's sampling rate
   * allows; otherwise only counts it. Never blocks.
   */
  public void sampleFailure(
      String action,
      String outcome,
      String actor,
      String keyId,
      String project,
      String requestId,
      String surface) {
    long droppedBefore = sampler.admit(project);
    if (droppedBefore < 0) {
      droppedRateLimited.increment();
      return;
    }
    AuditEvent event =
        new AuditEvent(
            "",
            clock.instant(),
            action,
            outcome,
            actor,
            keyId,
            project,
            requestId,
            surface,
            droppedBefore);
    if (closed || !queue.offer(event)) {
      droppedQueueFull.increment();
      sampler.unwrite(project);
    }
  }

  /** Failure samples appended since start (changes' events are counted by the key store). */
  public long written() {
    return written.sum();
  }

  /** Appends that failed (the event is lost) since start. */
  public long appendFailures() {
    return appendFailures.sum();
  }

  /** Failure samples not written because of the per-trail rate. */
  public long droppedRateLimited() {
    return droppedRateLimited.sum();
  }

  /** Failure samples not written because the writer's queue was full. */
  public long droppedQueueFull() {
    return droppedQueueFull.sum();
  }

  /** Stops taking samples, writes those queued (for up to 2 s), stops the writer. */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeSamples() {
    while (true) {
      AuditEvent event;
      try {
        event = queue.take();
      } catch (InterruptedException e) {
        // closing: write what is left, without waiting for more
        for (AuditEvent left; (left = queue.poll()) != null; ) {
          append(left);
        }
        return;
      }
      append(event);
    }
  }

  private void append(AuditEvent event) {
    try {
      auditLog.append(event);
      written.increment();
    } catch (RuntimeException e) {
      appendFailures.increment();
      // samples are best-effort; during an outage this would log at the sampling rate
      log.debug("audit sample lost: {}", e.getMessage());
    }
  }
}
