package dev.keygate.audit;

import dev.keygate.config.EnvReader;
import java.util.Map;

/**
 * The audit trail.
 *
 * @param maxEvents {@code KEYGATE_AUDIT_MAX_EVENTS}, events kept per audit trail (default 10000;
 *     Redis trims approximately)
 * @param failureSamples {@code KEYGATE_AUDIT_FAILURE_SAMPLES}, refused calls sampled into each
 *     trail per second (default 10; 0 = none)
 */
public record AuditSettings(int maxEvents, int failureSamples) {
  /** Events kept per trail unless {@code KEYGATE_AUDIT_MAX_EVENTS} says otherwise. */
  public static final int DEFAULT_MAX_EVENTS = 10_000;

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static AuditSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new AuditSettings(
        r.integer("KEYGATE_AUDIT_MAX_EVENTS", DEFAULT_MAX_EVENTS, 100, 10_000_000),
        r.integer("KEYGATE_AUDIT_FAILURE_SAMPLES", 10, 0, 10_000));
  }

  @Override
  public String toString() {
    return "auditMaxEvents=" + maxEvents + ", auditFailureSamples=" + failureSamples + "/s";
  }
}
