package dev.keygate.grpc;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.EventIds;
import dev.keygate.error.ErrorAnswers;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.store.StoreUnavailableException;
import io.grpc.Context;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The WatchEvents streams of one sidecar: each tails a trail of the audit log by polling it, and
 * reads the next batch only when gRPC says the client can take more ({@code isReady}), so a slow
 * watcher leaves its events in the log instead of in this server's memory.
 *
 * <p>Bounds: at most {@code maxStreams} streams (one more is refused at once with
 * WATCHERS_EXHAUSTED); each holds at most {@value #BATCH} events read ahead; two threads poll for
 * all of them, and each stream has at most one poll queued.
 */
public final class EventWatchers implements AutoCloseable {
  /** Events read per poll. */
  static final int BATCH = 100;

  private final AuditLog log;
  private final Duration poll;
  private final int maxStreams;
  private final Semaphore slots;
  private final ScheduledThreadPoolExecutor poller;
  private final LongAdder sent = new LongAdder();
  private final LongAdder parked = new LongAdder();

  public EventWatchers(AuditLog log, int maxStreams, Duration poll) {
    this.log = log;
    this.poll = poll;
    this.maxStreams = maxStreams;
    this.slots = new Semaphore(maxStreams);
    AtomicInteger n = new AtomicInteger();
    this.poller =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "keygate-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    poller.setRemoveOnCancelPolicy(true);
  }

  /**
   * {@code onWorkers} for unary calls only: a stream would hold one of its permits for as long as
   * it is open, so WatchEvents skips it (its blocking work runs on this class's threads).
   */
  public static ServerInterceptor unaryOnWorkers(ServerInterceptor onWorkers) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
          io.grpc.ServerCall<Q, R> call,
          io.grpc.Metadata headers,
          io.grpc.ServerCallHandler<Q, R> next) {
        return call.getMethodDescriptor().getType() == MethodType.UNARY
            ? onWorkers.interceptCall(call, headers, next)
            : next.startCall(call, headers);
      }
    };
  }

  /** An event as the API's JSON (webhook bodies). */
  public static byte[] json(AuditEvent e) {
    return dev.keygate.events.WebhookDispatcher.json(ProtoMapper.toProto(e));
  }

  /** Events sent to watchers since start. */
  public long sent() {
    return sent.sum();
  }

  /** Times a stream stopped reading because its client was not taking events (backpressure). */
  public long parked() {
    return parked.sum();
  }

  /** Streams open now. */
  public int open() {
    return maxStreams - slots.availablePermits();
  }

  /**
   * Starts a stream; call from the RPC handler (it registers the stream's callbacks).
   *
   * @param trail authenticates the caller and names the trail it may watch; runs on this class's
   *     threads in the call's context, and may throw a KeygateException to refuse
   * @param afterId "" = from now, else the id to resume after
   */
  public void watch(
      ServerCallStreamObserver<dev.keygate.api.v1.AuditEvent> out,
      Supplier<String> trail,
      String afterId) {
    if (!slots.tryAcquire()) {
      out.onError(
          ErrorAnswers.grpc(
              new KeygateException(
                  Reason.WATCHERS_EXHAUSTED,
                  "this sidecar has its maximum of "
                      + maxStreams
                      + " WatchEvents streams open; retry later")));
      return;
    }
    Watch w = new Watch(out, afterId);
    out.setOnCancelHandler(w::cancel);
    out.setOnReadyHandler(w::wake);
    poller.execute(Context.current().wrap(() -> w.start(trail)));
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private final class Watch {
    private final ServerCallStreamObserver<dev.keygate.api.v1.AuditEvent> out;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile boolean started;
    private String trail = "";
    private String cursor;
    private boolean checkTrim;

    Watch(ServerCallStreamObserver<dev.keygate.api.v1.AuditEvent> out, String afterId) {
      this.out = out;
      this.cursor = afterId;
      // resuming: the trail must still hold the event, or events after it may be gone
      this.checkTrim = !afterId.isEmpty() && !afterId.equals(EventIds.START);
    }

    void start(Supplier<String> whichTrail) {
      try {
        trail = whichTrail.get();
        if (cursor.isEmpty()) {
          cursor = log.newestId(trail);
        }
      } catch (KeygateException e) {
        fail(e);
        return;
      } catch (StoreUnavailableException e) {
        fail(unavailable());
        return;
      }
      started = true;
      pump();
    }

    void cancel() {
      cancelled = true;
      wake();
    }

    void wake() {
      if (started && queued.compareAndSet(false, true)) {
        try {
          poller.execute(this::pump);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          release();
        }
      }
    }

    private synchronized void pump() {
      queued.set(false);
      if (cancelled || ended.get()) {
        release();
        return;
      }
      try {
        while (out.isReady()) {
          List<AuditEvent> batch = log.after(trail, cursor, BATCH);
          if (checkTrim) {
            // read first, then look: if the oldest kept event is still not after the cursor, the
            // read cannot have skipped a trimmed one
            String oldest = log.oldestId(trail);
            if (!oldest.isEmpty() && EventIds.compare(oldest, cursor) > 0) {
              fail(
                  new KeygateException(
                      Reason.EVENTS_TRIMMED,
                      "the trail no longer holds event "
                          + cursor
                          + " (oldest kept: "
                          + oldest
                          + "); list the trail to catch up, then watch from now"));
              return;
            }
            checkTrim = false;
          }
          for (AuditEvent e : batch) {
            out.onNext(ProtoMapper.toProto(e));
            sent.increment();
            cursor = e.id();
          }
          if (batch.size() < BATCH) {
            break;
          }
          // behind the trail: it may trim past this watcher before the next read
          checkTrim = true;
        }
      } catch (StoreUnavailableException e) {
        fail(unavailable());
        return;
      } catch (RuntimeException e) {
        // the client went away mid-send
        release();
        return;
      }
      if (out.isReady()) {
        poller.schedule(this::wake, poll.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        // the client's onReady wakes it
        parked.increment();
      }
    }

    private KeygateException unavailable() {
      return new KeygateException(
          Reason.STORE_UNAVAILABLE,
          "the event store is unreachable; watch again with after_id = the last event received");
    }

    private void fail(KeygateException e) {
      if (ended.compareAndSet(false, true)) {
        try {
          out.onError(ErrorAnswers.grpc(e));
        } catch (RuntimeException alreadyCancelled) {
          // nothing to tell
        }
      }
      release();
    }

    private void release() {
      ended.set(true);
      if (released.compareAndSet(false, true)) {
        slots.release();
      }
    }
  }
}
