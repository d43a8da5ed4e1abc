package dev.keygate.admin;

import dev.keygate.key.Scopes;
import java.util.List;

/**
 * Who makes an admin call: the bootstrap admin token, or an API key of one project.
 *
 * @param keyId the calling key's id; null for the admin token
 * @param project the project the caller may manage; null = every project
 * @param scopes scopes the caller holds (and so may grant)
 */
public record Caller(String keyId, String project, List<String> scopes) {
  /** The holder of KEYGATE_ADMIN_TOKEN. */
  public static final Caller ADMIN_TOKEN = new Caller(null, null, List.of(Scopes.SUPERUSER));

  public Caller {
    scopes = List.copyOf(scopes);
  }

  /** True if the caller may manage keys of {@code project}. */
  public boolean mayManage(String project) {
    return this.project == null || this.project.equals(project);
  }

  /** For logs: never the credential itself. */
  public String describe() {
    return keyId == null ? "admin-token" : "key " + keyId;
  }
}
