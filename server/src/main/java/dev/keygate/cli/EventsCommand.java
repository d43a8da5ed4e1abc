package dev.keygate.cli;

import picocli.CommandLine.Command;

/** {@code keygate events}: the audit trail. */
@Command(
    name = "events",
    description = "Read a project's audit trail (KeyAdmin.ListEvents, KeyAdmin.WatchEvents).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {EventList.class, EventWatch.class})
final class EventsCommand {}
