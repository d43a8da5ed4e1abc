package dev.keygate.store;

/** The key store could not be reached or did not answer in time. */
public class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  private StoreUnavailableException(String message) {
    super(message, null, false, false);
  }

  /**
   * A refusal made before Redis was tried (an open breaker, a full bulkhead, a passed deadline):
   * without a stack trace, since these come by the thousand exactly when keygate is under strain,
   * and the message says all there is.
   */
  public static StoreUnavailableException refused(String message) {
    return new StoreUnavailableException(message);
  }
}
