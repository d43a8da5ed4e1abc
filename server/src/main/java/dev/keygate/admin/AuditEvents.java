package dev.keygate.admin;

import dev.keygate.audit.AuditEvent;
import dev.keygate.audit.AuditLog;
import dev.keygate.audit.EventIds;
import dev.keygate.audit.EventPage;
import dev.keygate.audit.EventQuery;
import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.error.Reason;
import java.util.List;

/**
 * Reading the audit trail (KeyAdmin.ListEvents) under the same rules as ListKeys: a project's trail
 * for callers who may manage the project, the global trail for the admin token only.
 */
public final class AuditEvents {
  private final AuditLog log;

  public AuditEvents(AuditLog log) {
    this.log = log;
  }

  /**
   * The trail a WatchEvents call may tail, under ListEvents' rules: a project's trail for callers
   * who may manage the project, every project's broadcast events ({@link AuditLog#ALL}) for the
   * admin token only.
   *
   * @param afterId "" (from now), "0-0" (from the oldest kept) or an event id
   */
  public String watchable(Caller caller, String project, String afterId) {
    Validation v = new Validation();
    if (!project.isEmpty()) {
      v.project("project", project);
    }
    v.check(
        afterId.isEmpty() || EventIds.valid(afterId),
        "after_id",
        "must be empty or an event id (<millis>-<sequence>)");
    v.throwIfInvalid();
    if (project.isEmpty()) {
      if (caller.project() != null) {
        throw new KeygateException(
            Reason.PROJECT_MISMATCH,
            "every project's events are watchable with the admin token only; name a project");
      }
      return AuditLog.ALL;
    }
    Privileges.requireProject(caller, project);
    return project;
  }

  /**
   * One page of a trail, newest first.
   *
   * @param project the project, "" for the global trail
   * @param keyId filter, "" = any
   * @param action filter, "" = any
   */
  public EventPage list(
      Caller caller, String project, String pageToken, int pageSize, String keyId, String action) {
    Validation v = new Validation();
    if (!project.isEmpty()) {
      v.project("project", project);
    }
    v.check(
        pageSize >= 0 && pageSize <= KeyService.MAX_PAGE_SIZE,
        "page_size",
        "must be 0 (default " + KeyService.DEFAULT_PAGE_SIZE + ") to " + KeyService.MAX_PAGE_SIZE);
    if (!keyId.isEmpty()) {
      v.keyId("key_id", keyId);
    }
    v.check(
        action.isEmpty() || AuditEvent.ACTIONS.contains(action),
        "action",
        "must be empty or one of "
            + String.join(", ", AuditEvent.ACTIONS.stream().sorted().toList()));
    v.throwIfInvalid();
    if (project.isEmpty()) {
      if (caller.project() != null) {
        throw new KeygateException(
            Reason.PROJECT_MISMATCH,
            "the global audit trail is readable with the admin token only; name a project");
      }
    } else {
      Privileges.requireProject(caller, project);
    }
    EventQuery query;
    try {
      query =
          new EventQuery(
              pageToken, pageSize == 0 ? KeyService.DEFAULT_PAGE_SIZE : pageSize, keyId, action);
    } catch (IllegalArgumentException e) {
      throw KeygateException.invalid(List.of(new FieldViolation("page_token", e.getMessage())));
    }
    try {
      return StoreCalls.call(() -> log.list(project, query));
    } catch (IllegalArgumentException e) {
      throw KeygateException.invalid(List.of(new FieldViolation("page_token", e.getMessage())));
    }
  }
}
