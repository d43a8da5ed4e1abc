package dev.keygate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.keygate.api.v1.AuditEvent;
import dev.keygate.api.v1.WatchEventsRequest;
import java.io.PrintWriter;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keygate events watch}: prints events as they are appended, one line each, until
 * interrupted or {@code --count} events arrived. Each line starts with the event id, so a watch
 * that stopped goes on with {@code --after <last id>}.
 */
@Command(
    name = "watch",
    description =
        "Prints a project's audit events as they happen (KeyAdmin.WatchEvents), one line each,"
            + " until interrupted or --count events arrived. Without --project: every project's"
            + " admin actions and lifecycle events (admin token only).")
final class EventWatch extends AdminVerb {
  // as -o json elsewhere (every field, camelCase), one event per line
  private static final JsonFormat.Printer JSON_LINE =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  @Option(names = "--project", paramLabel = "PROJECT", description = "The project's trail.")
  String project;

  @Option(
      names = "--after",
      paramLabel = "ID",
      description =
          "Resume after this event id (the first column of the last line printed); 0-0 = from"
              + " the oldest event kept. Default: only events from now on.")
  String after;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Stop after N events, within --timeout (else exit 6); 0 (default) = until"
              + " interrupted, without a deadline.")
  long count;

  EventWatch(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    if (count < 0) {
      throw new CliException(ExitCode.USAGE, "--count must be 0 or more");
    }
    WatchEventsRequest.Builder b = WatchEventsRequest.newBuilder();
    if (project != null) {
      b.setProject(project);
    }
    if (after != null) {
      b.setAfterId(after);
    }
    WatchEventsRequest request = b.build();
    return admin -> {
      PrintWriter out = context.out();
      // with --count the call keeps the --timeout deadline (a script must not hang); without it
      // the stream lasts until interrupted
      Iterator<AuditEvent> events =
          (count > 0 ? admin : admin.withDeadline(null)).watchEvents(request);
      boolean table = output.format == OutputFormat.Format.table;
      if (table) {
        out.println("ID TIME ACTION OUTCOME ACTOR KEY PROJECT SURFACE");
      }
      for (long n = 0; (count == 0 || n < count) && events.hasNext(); n++) {
        AuditEvent e = events.next();
        out.println(table ? line(e) : json(e));
        out.flush();
      }
    };
  }

  private static String line(AuditEvent e) {
    return String.join(
        " ",
        e.getId(),
        KeyView.time(e.hasTime(), e.getTime()),
        e.getAction(),
        e.getOutcome(),
        dash(e.getActor()),
        dash(e.getKeyId()),
        dash(e.getProject()),
        dash(e.getSurface()));
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  private static String json(AuditEvent e) {
    try {
      return JSON_LINE.print(e);
    } catch (InvalidProtocolBufferException x) {
      throw new IllegalStateException(x);
    }
  }
}
