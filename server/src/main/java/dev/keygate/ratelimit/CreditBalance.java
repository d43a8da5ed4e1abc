package dev.keygate.ratelimit;

import java.time.Instant;
import java.util.Optional;

/**
 * A key's credits as a decision left them.
 *
 * @param remaining the balance after the call was spent (before it, when the call was refused)
 * @param nextRefill when the balance next refills; empty when it never does
 * @param covered whether the balance covered the call's cost
 */
public record CreditBalance(long remaining, Optional<Instant> nextRefill, boolean covered) {}
