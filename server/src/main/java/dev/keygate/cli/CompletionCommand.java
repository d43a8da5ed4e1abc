package dev.keygate.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keygate completion}: the bash (and zsh) completion script for every command. */
@Command(
    name = "completion",
    description = {
      "Prints a bash completion script (zsh too, with bashcompinit). Load it with",
      "  source <(keygate completion)"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
    spec.commandLine().getOut().flush();
    return ExitCode.OK.code();
  }
}
