package dev.keygate.ratelimit;

import dev.keygate.key.Credits;

/** The one rule for what a stored credit balance is worth now, shared by every reader. */
public final class Balances {
  private Balances() {}

  /**
   * The balance the next spend would find: a newer admin setting resets it to the amount set; a
   * later refill window sets it to the refill amount; else what is stored.
   *
   * @param window the refill window now ({@link Credits#windowAt})
   * @param storedGeneration the generation the stored balance counts from (-1 = none stored)
   */
  public static long current(
      Credits credits,
      long window,
      long storedGeneration,
      long storedRemaining,
      long storedWindow) {
    if (credits.generation() > storedGeneration) {
      return credits.amount();
    }
    if (credits.refill().isPresent() && window > storedWindow) {
      return credits.refill().get().amount();
    }
    return storedRemaining;
  }
}
