package dev.keygate.cli;

import picocli.CommandLine.Command;

/** {@code keygate keys}: the KeyAdmin calls, a verb each. */
@Command(
    name = "keys",
    description =
        "Create, list, read, change, revoke, rotate, disable, enable and import API keys "
            + "(KeyAdmin).",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      KeyCreate.class,
      KeyList.class,
      KeyGet.class,
      KeyUpdate.class,
      KeyRevoke.class,
      KeyRotate.class,
      KeyDisable.class,
      KeyEnable.class,
      KeyImportCommand.class,
      KeyMigrateLayout.class
    })
final class KeysCommand {}
