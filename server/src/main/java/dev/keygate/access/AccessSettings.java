package dev.keygate.access;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import dev.keygate.error.KeygateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sidecar-wide access-control settings.
 *
 * @param projectAllowlists {@code KEYGATE_PROJECT_ALLOWLISTS}: an IP allowlist per project, for its
 *     keys that have none of their own, e.g. {@code acme=203.0.113.0/24
 *     2001:db8::/32;beta=10.0.0.0/8} (default none: a key without a list of its own may be used
 *     from anywhere)
 */
public record AccessSettings(ProjectAllowlists projectAllowlists) {
  /** Most projects with a default list: the setting is for a handful of sellers' projects. */
  static final int MAX_PROJECTS = 256;

  private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static AccessSettings fromEnv(Map<String, String> env) {
    String text = new EnvReader(env).get("KEYGATE_PROJECT_ALLOWLISTS", "none");
    return new AccessSettings(projectAllowlists(text.strip()));
  }

  private static ProjectAllowlists projectAllowlists(String text) {
    if (text.equals("none") || text.isEmpty()) {
      return ProjectAllowlists.NONE;
    }
    String problem =
        "KEYGATE_PROJECT_ALLOWLISTS must be none or <project>=<cidr> <cidr>…;<project>=…, "
            + "e.g. acme=203.0.113.0/24 2001:db8::/32;beta=10.0.0.0/8";
    Map<String, IpAllowlist> lists = new LinkedHashMap<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String project = eq < 0 ? "" : entry.substring(0, eq).strip();
      if (!PROJECT.matcher(project).matches()) {
        throw new ConfigException(problem + " (not a project name: '" + project + "')");
      }
      List<String> cidrs = List.of(entry.substring(eq + 1).strip().split("\\s+"));
      try {
        IpAllowlist list = IpAllowlist.parse(project, cidrs);
        if (list.isEmpty() || lists.put(project, list) != null) {
          throw new ConfigException(problem + " (project " + project + " is empty or repeated)");
        }
      } catch (KeygateException e) {
        throw new ConfigException(
            problem
                + " ("
                + e.violations().get(0).field()
                + ": "
                + e.violations().get(0).description()
                + ")");
      }
    }
    if (lists.size() > MAX_PROJECTS) {
      throw new ConfigException(problem + " (at most " + MAX_PROJECTS + " projects)");
    }
    return new ProjectAllowlists(lists);
  }

  @Override
  public String toString() {
    return "projectAllowlists=" + projectAllowlists.size();
  }
}
