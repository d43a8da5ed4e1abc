package dev.keygate.leak;

import java.time.Duration;

/**
 * The leak reports acted on, by the SHA-256 of their body, so a captured signed report sent again
 * is refused rather than acted on twice. Each is remembered for {@link #REMEMBERED}: a replay older
 * than that finds the keys it names revoked already, so it changes nothing either.
 */
public interface SeenReports {
  Duration REMEMBERED = Duration.ofHours(24);

  /** True (and remembered from now on) if this fingerprint was not seen within the window. */
  boolean firstTime(String fingerprint);

  /** Forgets a report whose handling failed, so GitHub's retry of it is accepted. */
  void forget(String fingerprint);
}
