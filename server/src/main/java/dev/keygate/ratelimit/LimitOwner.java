package dev.keygate.ratelimit;

/**
 * Whose limits are counted: one API key, or a project whose keys share a quota. Global state lives
 * in the owner's Cluster slot (the key's or the project's hash tag).
 *
 * @param kind key or project
 * @param id the key id or project name
 */
public record LimitOwner(Kind kind, String id) {
  /** What a limit belongs to. */
  public enum Kind {
    KEY,
    PROJECT;

    /** "key" or "project", as in ErrorInfo metadata and RateLimitState.subject. */
    public String label() {
      return this == KEY ? "key" : "project";
    }
  }

  /** A key's own limits. */
  public static LimitOwner key(String keyId) {
    return new LimitOwner(Kind.KEY, keyId);
  }

  /** A project's quota. */
  public static LimitOwner project(String project) {
    return new LimitOwner(Kind.PROJECT, project);
  }
}
