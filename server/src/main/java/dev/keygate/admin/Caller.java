package dev.keygate.admin;

import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Scopes;
import java.util.List;

/**
 * Who makes an admin call: the bootstrap admin token, or an API key of one project.
 *
 * @param keyId the calling key's id; null for the admin token
 * @param project the project the caller may manage; null = every project
 * @param constraints what the calling key may do itself (its scopes, expiry and limits): the bound
 *     of every key it writes ({@link Privileges}); the admin token has no bound
 */
public record Caller(String keyId, String project, Constraints constraints) {
  /** The holder of KEYGATE_ADMIN_TOKEN. */
  public static final Caller ADMIN_TOKEN =
      new Caller(null, null, new Constraints(List.of(Scopes.SUPERUSER), null, List.of()));

  /** The caller authenticated by an API key. */
  public static Caller of(ApiKeyRecord key) {
    return new Caller(key.id(), key.project(), Constraints.of(key));
  }

  /** True for the bootstrap admin token, which the privilege model does not bound. */
  public boolean isAdminToken() {
    return keyId == null;
  }

  /** Scopes the caller holds (and so may grant). */
  public List<String> scopes() {
    return constraints.scopes();
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
