package dev.keygate.cli;

import dev.keygate.api.v1.KeyAdminGrpc.KeyAdminBlockingStub;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A KeyAdmin verb: checks its own options, resolves the admin credential, connects, makes its call
 * and prints the answer. A failed call surfaces as the gRPC exception, which {@link KeygateCli}
 * reports with its exit code.
 */
abstract class AdminVerb implements Callable<Integer> {
  @Mixin Target target;
  @Mixin AdminCredential credential;
  @Mixin OutputFormat output;

  final CliContext context;

  AdminVerb(CliContext context) {
    this.context = context;
  }

  @Override
  public final Integer call() {
    String secret = credential.secret(context);
    try (Connection connection = target.connect(context)) {
      prepare().run(connection.admin(secret));
    }
    return ExitCode.OK.code();
  }

  /**
   * Checks the options and builds the call, before anything is sent.
   *
   * @throws CliException (usage) for options the call cannot be made with
   */
  abstract Call prepare();

  /** One prepared call: makes it and prints the answer. */
  @FunctionalInterface
  interface Call {
    void run(KeyAdminBlockingStub admin);
  }
}
