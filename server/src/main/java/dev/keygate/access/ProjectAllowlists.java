package dev.keygate.access;

import java.util.Map;

/**
 * The IP allowlist that applies to a key: its own, else its project's default ({@code
 * KEYGATE_PROJECT_ALLOWLISTS}), else none (any address).
 *
 * @param byProject the projects' default lists
 */
public record ProjectAllowlists(Map<String, IpAllowlist> byProject) {
  /** No project has a default list. */
  public static final ProjectAllowlists NONE = new ProjectAllowlists(Map.of());

  public ProjectAllowlists {
    byProject = Map.copyOf(byProject);
  }

  /**
   * The list a key's calls are checked against; empty = no restriction.
   *
   * @param project the key's project
   * @param own the key's own list
   */
  public IpAllowlist of(String project, IpAllowlist own) {
    return own.isEmpty() ? byProject.getOrDefault(project, IpAllowlist.NONE) : own;
  }

  /** Projects with a default list. */
  public int size() {
    return byProject.size();
  }
}
