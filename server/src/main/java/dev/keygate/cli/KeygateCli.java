package dev.keygate.cli;

import io.grpc.StatusRuntimeException;
import java.lang.reflect.Constructor;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code keygate}: the sidecar ({@code serve}, also what no arguments means) and the admin commands
 * that talk to a running one over gRPC. A new verb is one small class named in its group's {@code
 * subcommands}; its constructor may take the {@link CliContext}.
 */
@Command(
    name = "keygate",
    mixinStandardHelpOptions = false,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "[COMMAND]",
    description = {
      "API-key authentication sidecar. Without a command, runs the sidecar (keygate serve).",
      "The other commands talk to a running sidecar: $KEYGATE_ADDRESS (default 127.0.0.1:7070) or"
          + " --address; the admin credential from $KEYGATE_ADMIN_TOKEN / $KEYGATE_API_KEY or"
          + " --token-file / --key-file, never an argument. See docs/cli.md."
    },
    subcommands = {
      ServeCommand.class,
      KeysCommand.class,
      EventsCommand.class,
      CheckCommand.class,
      CompletionCommand.class
    })
public final class KeygateCli implements Callable<Integer> {
  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  private final CliContext context;

  KeygateCli(CliContext context) {
    this.context = context;
  }

  /** No command: serve, as keygate always did. */
  @Override
  public Integer call() throws InterruptedException {
    return context.launcher().serve(context.env());
  }

  /** Runs one command line and returns its exit code (see {@link ExitCode}). */
  public static int run(CliContext context, String... args) {
    return commandLine(context).execute(args);
  }

  /** The whole command tree, writing to the context's streams. */
  static CommandLine commandLine(CliContext context) {
    CommandLine cl = new CommandLine(KeygateCli.class, new Factory(context));
    cl.setOut(context.out());
    cl.setErr(context.err());
    cl.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          if (e instanceof CliException c) {
            context.err().println("keygate: " + c.getMessage());
            context.err().flush();
            return c.exitCode().code();
          }
          if (e instanceof StatusRuntimeException s) {
            return Denial.report(s, context.err()).code();
          }
          throw e;
        });
    exitCodes(cl);
    return cl;
  }

  /** Every command exits with {@link ExitCode}'s codes, and its help lists them. */
  private static void exitCodes(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCode.USAGE.code());
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCode.FAILED.code());
    if (!cl.getCommandName().equals("help")) {
      cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
      cl.getCommandSpec().usageMessage().exitCodeList(ExitCode.helpList());
    }
    cl.getSubcommands().values().forEach(KeygateCli::exitCodes);
  }

  /** Makes commands and mixins, handing the context to those whose constructor takes it. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliContext context;

    Factory(CliContext context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        Class<?>[] params = c.getParameterTypes();
        if (params.length == 1 && params[0] == CliContext.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
