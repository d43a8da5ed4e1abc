package dev.keygate.store;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The circuit breaker around Redis (resilience4j): once most recent calls failed (unreachable,
 * timed out), calls fail at once, in microseconds, instead of each waiting out {@code
 * KEYGATE_REDIS_TIMEOUT}; after {@code openFor} a few calls are let through as probes and, when
 * they succeed, the circuit closes again. One breaker for every Redis call of a store (key reads,
 * writes, shared limits, audit, health pings), so a hung Redis is noticed by whichever call meets
 * it first.
 *
 * <p>Only failures of Redis itself count: a Redis error reply (a script error, WRONGTYPE) is an
 * answer, so it counts as a success for the breaker; a failure of keygate's own code is neither.
 */
public final class RedisCircuit {
  /** Calls the failure rate is computed over. */
  static final int WINDOW = 10;

  /**
   * Fewest calls in the window before the rate is judged: two, so a Redis that stops answering
   * right after start opens the circuit after two failed calls rather than four.
   */
  static final int MIN_CALLS = 2;

  /** Probes let through while half open; one answer closes the circuit again. */
  static final int PROBES = 1;

  private final CircuitBreaker breaker;
  private final long openForNanos;
  private final LongAdder rejected = new LongAdder();
  private volatile long openedAt;
  // true from the moment a half-open breaker lets a probe through until that probe is reported
  private volatile boolean probing;

  /**
   * @param openFor how long the circuit stays open before probing ({@code
   *     KEYGATE_REDIS_BREAKER_OPEN})
   */
  public RedisCircuit(String name, Duration openFor) {
    this.breaker =
        CircuitBreaker.of(
            name,
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WINDOW)
                .minimumNumberOfCalls(MIN_CALLS)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(PROBES)
                // the next call after openFor probes; no timer thread is needed for that
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
    this.openForNanos = openFor.toNanos();
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = System.nanoTime();
              }
            });
  }

  /** The breaker, for its state and metrics. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * True while calls are refused without trying Redis: open, and not yet due for a probe. Lets a
   * reader answer at once, before queueing anything, without taking a probe's permission.
   */
  public boolean rejectsNow() {
    CircuitBreaker.State state = breaker.getState();
    return (state == CircuitBreaker.State.OPEN && System.nanoTime() - openedAt < openForNanos)
        // half open with its one probe out: every other call would be refused anyway
        || (state == CircuitBreaker.State.HALF_OPEN && probing);
  }

  /**
   * The refusal, counted, when the circuit refuses calls now ({@link #rejectsNow}); empty when a
   * call may go ahead. For callers that must answer before queueing anything.
   */
  Optional<StoreUnavailableException> refusal(String what) {
    if (!rejectsNow()) {
      return Optional.empty();
    }
    rejected.increment();
    return Optional.of(StoreUnavailableException.refused(what + ": circuit breaker open"));
  }

  /** Counts calls refused because of the circuit without one call each (reads refused in bulk). */
  void countRejected(int calls) {
    rejected.add(calls);
  }

  /** Calls refused because the circuit was open (a metric). */
  public long rejected() {
    return rejected.sum();
  }

  /**
   * Takes permission for one Redis call; the caller must then report it with exactly one of {@link
   * #succeeded}, {@link #failed} or {@link #released}.
   *
   * @return the call's start, for the duration reported
   * @throws StoreUnavailableException at once when the circuit is open
   */
  long acquire(String what) {
    if (!breaker.tryAcquirePermission()) {
      rejected.increment();
      throw StoreUnavailableException.refused(what + " unavailable: circuit breaker open");
    }
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      probing = true;
    }
    return System.nanoTime();
  }

  /** Redis answered (a value or an error reply). */
  void succeeded(long start) {
    probing = false;
    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /**
   * Redis did not answer: unreachable, timed out, connection broken. A call that timed out opens
   * the circuit at once: a Redis that let a call wait the whole {@code KEYGATE_REDIS_TIMEOUT} has
   * most likely stopped answering, and waiting for more such calls to fill the window would cost
   * every caller meanwhile a timeout of its own. The probe after {@code openFor} finds out.
   */
  void failed(long start, Throwable e) {
    probing = false;
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
    if (timedOut(e) && breaker.getState() == CircuitBreaker.State.CLOSED) {
      try {
        breaker.transitionToOpenState();
      } catch (IllegalStateException raced) {
        // another failure opened it first
      }
    }
  }

  /**
   * True if {@code e} was caused by a socket read timing out. Jedis's retrying executor reports its
   * last attempt's failure as a suppressed exception of "no more attempts left", so those are
   * followed as well as causes.
   */
  static boolean timedOut(Throwable e) {
    return timedOut(e, 0);
  }

  private static boolean timedOut(Throwable e, int depth) {
    if (e == null || depth > 8) {
      return false;
    }
    if (e instanceof SocketTimeoutException) {
      return true;
    }
    for (Throwable s : e.getSuppressed()) {
      if (timedOut(s, depth + 1)) {
        return true;
      }
    }
    return timedOut(e.getCause(), depth + 1);
  }

  /** Redis answered a call made outside the breaker (a health ping): an open circuit may probe. */
  void redisAnswered() {
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      try {
        breaker.transitionToHalfOpenState();
      } catch (IllegalStateException raced) {
        // another thread moved it first
      }
    }
  }

  /** The call failed in keygate's own code: says nothing about Redis. */
  void released() {
    probing = false;
    breaker.releasePermission();
  }
}
