package dev.keygate.authz;

import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.ratelimit.CreditBalance;
import dev.keygate.ratelimit.LimitState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@link Authorizer#decide}: allowed with the key, allowed as the bootstrap admin
 * (KeyAdmin calls only), or denied with a reason.
 */
public sealed interface Decision {

  /**
   * The credential of a KeyAdmin call is the bootstrap admin token ({@code KEYGATE_ADMIN_TOKEN}).
   * Only decisions for {@link Surface#ADMIN} can be this.
   */
  record AdminTokenAccepted() implements Decision {}

  /**
   * The call may proceed.
   *
   * @param key the verified key
   * @param limit the tightest rate limit's state after counting this call (see {@link
   *     dev.keygate.ratelimit.LimitEvaluator}); null when no limit applies
   * @param credits the key's credits after this call was spent; empty when it has none
   */
  record Allowed(ApiKeyRecord key, LimitState limit, Optional<CreditBalance> credits)
      implements Decision {
    /** Allowed with no credits to report. */
    public Allowed(ApiKeyRecord key, LimitState limit) {
      this(key, limit, Optional.empty());
    }
  }

  /**
   * The call is refused.
   *
   * @param reason the stable reason
   * @param message a caller-facing explanation, free of key material
   * @param metadata extra ErrorInfo metadata (key_id, missing_scopes, limit, …)
   * @param retryAfter when to retry, for RATE_LIMITED; null otherwise
   */
  record Denied(Reason reason, String message, Map<String, String> metadata, Duration retryAfter)
      implements Decision {
    public Denied {
      metadata = Map.copyOf(metadata);
    }

    static Denied of(Reason reason) {
      return new Denied(reason, reason.summary(), Map.of(), null);
    }

    /** The same denial as an exception, for surfaces that report failures by throwing. */
    public KeygateException toException() {
      return new KeygateException(reason, message, metadata, List.of(), retryAfter);
    }
  }
}
