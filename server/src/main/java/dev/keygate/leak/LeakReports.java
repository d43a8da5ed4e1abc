package dev.keygate.leak;

import dev.keygate.audit.AuditTrail;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import java.util.List;

/**
 * The leaked-key endpoint without its transport: checks a report (size, signature, form, replay)
 * before {@link LeakedKeys} acts on it, and audits every refusal. Nothing is looked up or changed
 * for a refused report.
 */
public final class LeakReports {
  private final SigningKeys signingKeys;
  private final LeakedKeys leaked;
  private final AuditTrail trail;
  private final SeenReports replays;
  private final int maxBodyBytes;

  /**
   * @param replays the reports acted on (in Redis when the store is, so every sidecar refuses a
   *     replay)
   */
  public LeakReports(
      LeakSettings settings, LeakedKeys leaked, AuditTrail trail, SeenReports replays) {
    this.signingKeys = settings.publicKeys();
    this.leaked = leaked;
    this.trail = trail;
    this.replays = replays;
    this.maxBodyBytes = settings.maxBodyBytes();
  }

  /** An HTTP answer: status and JSON body. */
  public record Answer(int status, String body) {}

  /** The largest body accepted. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Checks and acts on one report.
   *
   * @param keyIdentifier the {@code Github-Public-Key-Identifier} header; null when absent
   * @param signature the {@code Github-Public-Key-Signature} header; null when absent
   * @param body the body as read, at most {@link #maxBodyBytes()} + 1 bytes
   */
  public Answer receive(String keyIdentifier, String signature, byte[] body) {
    if (body.length > maxBodyBytes) {
      return refuse(
          Reason.LEAK_REPORT_TOO_LARGE, "the report is larger than " + maxBodyBytes + " bytes");
    }
    if (keyIdentifier == null
        || signature == null
        || keyIdentifier.isBlank()
        || signature.isBlank()) {
      return refuse(
          Reason.LEAK_REPORT_UNSIGNED,
          "the report needs the "
              + LeakEndpoint.KEY_ID_HEADER
              + " and "
              + LeakEndpoint.SIGNATURE_HEADER
              + " headers");
    }
    if (!signingKeys.verifies(keyIdentifier.trim(), signature, body)) {
      return refuse(
          Reason.LEAK_REPORT_SIGNATURE_INVALID,
          "the signature is not one of the configured GitHub public keys' signature of the body");
    }
    List<FoundToken> report;
    try {
      report = FoundToken.parseReport(body);
    } catch (IllegalArgumentException e) {
      return refuse(Reason.LEAK_REPORT_MALFORMED, e.getMessage());
    }
    String fingerprint = LeakedKeys.sha256Hex(body);
    boolean first;
    try {
      first = replays.firstTime(fingerprint);
    } catch (RuntimeException e) {
      // cannot tell a replay: act on nothing, GitHub retries
      return new Answer(
          Reason.STORE_UNAVAILABLE.httpStatus(),
          LeakEndpoint.errorJson(Reason.STORE_UNAVAILABLE, "the key store is unreachable"));
    }
    if (!first) {
      return refuse(Reason.LEAK_REPORT_REPLAYED, "this report was acted on already");
    }
    try {
      return new Answer(200, LeakEndpoint.verdictsJson(leaked.handle(report)));
    } catch (KeygateException e) {
      // not acted on (or only partly): GitHub's retry must be accepted
      forget(fingerprint);
      return new Answer(
          e.reason().httpStatus(), LeakEndpoint.errorJson(e.reason(), e.getMessage()));
    }
  }

  private void forget(String fingerprint) {
    try {
      replays.forget(fingerprint);
    } catch (RuntimeException e) {
      // the store is down already: the retry will be refused as a replay for a day at worst
    }
  }

  /** Refuses a report: the answer, and a sampled event in the global trail. */
  Answer refuse(Reason reason, String message) {
    trail.sampleFailure(
        LeakEvents.REPORT_REFUSED, reason.name(), "", "", "", "", LeakEvents.SURFACE);
    return new Answer(reason.httpStatus(), LeakEndpoint.errorJson(reason, message));
  }
}
