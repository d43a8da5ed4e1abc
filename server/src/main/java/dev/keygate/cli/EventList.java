package dev.keygate.cli;

import dev.keygate.api.v1.AuditEvent;
import dev.keygate.api.v1.ListEventsRequest;
import dev.keygate.api.v1.ListEventsResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keygate events list}: one page of an audit trail, newest first. */
@Command(
    name = "list",
    description =
        "Lists a project's audit trail, newest first, a page at a time. Without"
            + " --project: the global trail (admin token only).")
final class EventList extends AdminVerb {
  @Option(names = "--project", paramLabel = "PROJECT", description = "The project's trail.")
  String project;

  @Option(names = "--key-id", paramLabel = "ID", description = "Only events about this key.")
  String keyId;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description =
          "Only this action: create, update, rotate, revoke, admin_auth_failed,"
              + " authorize_denied.")
  String action;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Events per page, 1-1000. Default: ${DEFAULT-VALUE}.")
  int pageSize;

  @Option(names = "--page-token", paramLabel = "TOKEN", description = "The next (older) page.")
  String pageToken;

  EventList(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    ListEventsRequest.Builder b = ListEventsRequest.newBuilder().setPageSize(pageSize);
    if (project != null) {
      b.setProject(project);
    }
    if (keyId != null) {
      b.setKeyId(keyId);
    }
    if (action != null) {
      b.setAction(action);
    }
    if (pageToken != null) {
      b.setPageToken(pageToken);
    }
    ListEventsRequest request = b.build();
    return admin -> output.print(context.out(), admin.listEvents(request), EventList::print);
  }

  private static void print(PrintWriter out, ListEventsResponse page) {
    Table t = new Table("TIME", "ACTION", "OUTCOME", "ACTOR", "KEY", "SURFACE", "REQUEST");
    for (AuditEvent e : page.getEventsList()) {
      t.row(
          KeyView.time(e.hasTime(), e.getTime()),
          e.getAction(),
          e.getOutcome(),
          e.getActor(),
          e.getKeyId(),
          e.getSurface(),
          e.getRequestId());
    }
    t.print(out);
    if (!page.getNextPageToken().isEmpty()) {
      out.println();
      out.println("more: --page-token " + page.getNextPageToken());
    }
  }
}
