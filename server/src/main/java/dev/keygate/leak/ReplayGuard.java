package dev.keygate.leak;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The reports this sidecar has acted on, by the SHA-256 of their body, so a captured signed report
 * sent again is refused rather than acted on twice: at most {@value #MAX_REPORTS} remembered, each
 * for {@link #REMEMBERED} (a replay older than that finds the keys revoked already, so it changes
 * nothing either). Beyond the bound the oldest are forgotten first.
 */
final class ReplayGuard {
  static final int MAX_REPORTS = 10_000;
  static final Duration REMEMBERED = Duration.ofHours(24);

  private final Cache<String, Boolean> seen;

  ReplayGuard(Clock clock) {
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(MAX_REPORTS)
            .expireAfterWrite(REMEMBERED)
            .ticker(ticker)
            .executor(Runnable::run)
            .build();
  }

  /** True (and remembered from now on) if this body was not seen within the window. */
  boolean firstTime(byte[] body) {
    return seen.asMap().putIfAbsent(fingerprint(body), Boolean.TRUE) == null;
  }

  /** Forgets a body whose handling failed, so GitHub's retry of it is accepted. */
  void forget(byte[] body) {
    seen.invalidate(fingerprint(body));
  }

  private static String fingerprint(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
