package dev.keygate.cli;

/**
 * A failure the command line detects itself (a missing credential, an unreadable file), with the
 * exit code it ends with. Its message never holds a secret.
 */
final class CliException extends RuntimeException {
  private final ExitCode exitCode;

  CliException(ExitCode exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
