package dev.keygate.leak;

/** What happens to a live key reported as leaked ({@code KEYGATE_LEAK_ACTION}). */
public enum LeakAction {
  /** Revoked for good: the default, since a published secret cannot be made secret again. */
  REVOKE("revoke", LeakEvents.AUTO_REVOKED),
  /** Disabled: refused with KEY_DISABLED until an operator enables it (after checking the leak). */
  DISABLE("disable", LeakEvents.AUTO_DISABLED);

  private final String label;
  private final String event;

  LeakAction(String label, String event) {
    this.label = label;
    this.event = event;
  }

  public String label() {
    return label;
  }

  /** The audit action recorded when this action changed a key. */
  String event() {
    return event;
  }
}
