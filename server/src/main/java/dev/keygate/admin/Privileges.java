package dev.keygate.admin;

import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Scopes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KeyAdmin privilege model, enforced here and nowhere else (the README's Security section has
 * it as a table). The admin token may do everything. An API key, once {@link AdminAuthenticator}
 * found it valid, unexpired, within its limits and holding {@code keys:read} / {@code keys:write}:
 *
 * <ul>
 *   <li>sees only its own project: a project it names otherwise is PROJECT_MISMATCH, and a key of
 *       another project it names by id is answered exactly like an unknown id (KEY_NOT_FOUND), so
 *       ids and project names cannot be probed across projects;
 *   <li>changes, rotates or revokes only keys whose scopes it holds itself (TARGET_SCOPE_NOT_HELD):
 *       a weaker key must not obtain a stronger key's secret, nor switch a stronger key off;
 *   <li>grants only scopes it holds (SCOPE_ESCALATION), and creates, updates or rotates only keys
 *       that are afterwards nowhere looser than itself ({@link Constraints#looserFields},
 *       CONSTRAINT_LOOSENED): no later or missing expiry, no missing or higher limit; so it never
 *       loosens its own key either, and never obtains (by rotation) a secret freer than its own.
 * </ul>
 */
final class Privileges {
  private Privileges() {}

  /** A project named by the request (CreateKey, ListKeys, ListEvents). */
  static void requireProject(Caller caller, String project) {
    if (!caller.mayManage(project)) {
      throw new KeygateException(
          Reason.PROJECT_MISMATCH,
          "the calling key belongs to project "
              + caller.project()
              + " and may not manage keys of project "
              + project);
    }
  }

  /**
   * The key a request names by id, if the caller may see it; otherwise the same KEY_NOT_FOUND as
   * for an id nobody has, same message, no metadata.
   */
  static ApiKeyRecord visible(Caller caller, Optional<ApiKeyRecord> found, String id) {
    if (found.isEmpty() || !caller.mayManage(found.get().project())) {
      throw notFound(id);
    }
    return found.get();
  }

  /** The one answer for "no key with this id that you may see". */
  static KeygateException notFound(String id) {
    return new KeygateException(Reason.KEY_NOT_FOUND, "no key with id " + id);
  }

  /** Before a key is changed, rotated or revoked: the caller holds every scope it has. */
  static void requireHeld(Caller caller, ApiKeyRecord target) {
    List<String> notHeld = Scopes.missing(caller.scopes(), target.scopes());
    if (!notHeld.isEmpty()) {
      throw new KeygateException(
          Reason.TARGET_SCOPE_NOT_HELD,
          "key "
              + target.id()
              + " holds "
              + String.join(", ", notHeld)
              + ", which the calling key does not hold",
          Map.of("scopes", String.join(" ", notHeld)),
          List.of(),
          null);
    }
  }

  /** Scopes written to a key: each covered by one the caller holds. */
  static void requireGrantable(Caller caller, List<String> scopes) {
    List<String> notHeld = Scopes.missing(caller.scopes(), scopes);
    if (!notHeld.isEmpty()) {
      throw new KeygateException(
          Reason.SCOPE_ESCALATION,
          "the calling key does not hold " + String.join(", ", notHeld) + " and so cannot grant it",
          Map.of("scopes", String.join(" ", notHeld)),
          List.of(),
          null);
    }
  }

  /**
   * What creating this key (CreateKey, or one ImportKeys record) asks of the caller: its own
   * project, scopes it may grant, and nothing looser than itself.
   */
  static void requireMayCreate(Caller caller, NewKey request) {
    requireProject(caller, request.project());
    requireGrantable(caller, request.scopes());
    requireNotLooser(caller, Constraints.of(request));
  }

  /**
   * The key a create, update or rotation leaves behind is nowhere looser than the caller: the
   * caller could otherwise hand out, or (by rotating) obtain, more freedom than it has. Scopes are
   * checked before, by {@link #requireGrantable} and {@link #requireHeld}, with their own reasons.
   */
  static void requireNotLooser(Caller caller, Constraints result) {
    if (caller.isAdminToken()) {
      return;
    }
    List<String> looser =
        result.looserFields(caller.constraints()).stream()
            .filter(f -> !f.equals(Constraints.SCOPES))
            .toList();
    if (!looser.isEmpty()) {
      throw new KeygateException(
          Reason.CONSTRAINT_LOOSENED,
          "the key would have a looser "
              + String.join(" and ", looser)
              + " than the calling key (a later or no expiry, a missing or higher rate limit,"
              + " a missing or wider IP allowlist)",
          Map.of("fields", String.join(" ", looser)),
          List.of(),
          null);
    }
  }

  /**
   * An API key may not set its own credits: setting credits resets the balance, so a metered key
   * holding {@code keys:write} would otherwise refill itself whenever it ran dry. It may set
   * another key's, within its own (as {@link #requireNotLooser} checks).
   */
  static void requireNotOwnCredits(Caller caller, ApiKeyRecord target) {
    if (!caller.isAdminToken() && target.id().equals(caller.keyId())) {
      throw new KeygateException(
          Reason.CONSTRAINT_LOOSENED,
          "an API key may not set its own credits (that would refill them)",
          Map.of("fields", Constraints.CREDITS),
          List.of(),
          null);
    }
  }
}
