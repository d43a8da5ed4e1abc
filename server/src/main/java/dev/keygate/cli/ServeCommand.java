package dev.keygate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code keygate serve}, also what {@code keygate} without arguments does: runs the sidecar. */
@Command(
    name = "serve",
    description = {
      "Runs the keygate sidecar (what `keygate` without arguments does).",
      "Configured by KEYGATE_* environment variables only (see the README's configuration table);"
          + " SIGTERM drains and stops it."
    })
final class ServeCommand implements Callable<Integer> {
  private final CliContext context;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    return context.launcher().serve(context.env());
  }
}
