package dev.keygate.leak;

/** What happens to a live key reported as leaked ({@code KEYGATE_LEAK_ACTION}). */
public enum LeakAction {
  /** Revoked for good: the default, since a published secret cannot be made secret again. */
  REVOKE("revoke"),
  /** Disabled: refused with KEY_DISABLED until an operator enables it (after checking the leak). */
  DISABLE("disable");

  private final String label;

  LeakAction(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
