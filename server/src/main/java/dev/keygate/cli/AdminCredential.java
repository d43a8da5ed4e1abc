package dev.keygate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The credential KeyAdmin calls present: the bootstrap admin token, or an API key holding {@code
 * keys:read} / {@code keys:write}. From a file or the environment, never from an argument: a
 * command line shows in {@code ps} and shell history.
 */
final class AdminCredential {
  static final String TOKEN_VARIABLE = "KEYGATE_ADMIN_TOKEN";
  static final String TOKEN_FILE_VARIABLE = "KEYGATE_ADMIN_TOKEN_FILE";
  static final String KEY_VARIABLE = "KEYGATE_API_KEY";
  static final String KEY_FILE_VARIABLE = "KEYGATE_API_KEY_FILE";

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the admin token. Default: $KEYGATE_ADMIN_TOKEN (or the file"
              + " named by $KEYGATE_ADMIN_TOKEN_FILE).")
  Path tokenFile;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description =
          "A file holding an API key with keys:write (keys:read to read) or admin:*,"
              + " instead of the admin token. Default: $KEYGATE_API_KEY (or $KEYGATE_API_KEY_FILE).")
  Path keyFile;

  /**
   * The credential: {@code --token-file}, else {@code --key-file}, else the admin token from the
   * environment, else an API key from the environment.
   *
   * @throws CliException (usage) when none is given, or two options are
   */
  String secret(CliContext context) {
    if (tokenFile != null && keyFile != null) {
      throw new CliException(ExitCode.USAGE, "--token-file and --key-file: give one, not both");
    }
    if (tokenFile != null) {
      return Secrets.fromFile("--token-file", tokenFile);
    }
    if (keyFile != null) {
      return Secrets.fromFile("--key-file", keyFile);
    }
    for (String variable : new String[] {TOKEN_VARIABLE, KEY_VARIABLE}) {
      String direct = context.variable(variable);
      String file = context.variable(variable + "_FILE");
      if (!direct.isEmpty() && !file.isEmpty()) {
        throw new CliException(
            ExitCode.USAGE, "set " + variable + " or " + variable + "_FILE, not both");
      }
      if (!direct.isEmpty()) {
        return direct;
      }
      if (!file.isEmpty()) {
        return Secrets.fromFile(variable + "_FILE", Path.of(file));
      }
    }
    throw new CliException(
        ExitCode.USAGE,
        "no admin credential: set KEYGATE_ADMIN_TOKEN (or KEYGATE_API_KEY, an API key with"
            + " keys:write), or pass --token-file FILE or --key-file FILE");
  }
}
