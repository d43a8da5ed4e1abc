package dev.keygate.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the world, passed in rather than read from globals so the commands
 * run in a test against an injected environment and captured streams.
 *
 * @param env the environment (KEYGATE_ADDRESS, KEYGATE_ADMIN_TOKEN, …; the server's settings for
 *     serve)
 * @param stdin where {@code check} reads the presented key when no file is named
 * @param out results
 * @param err errors, denials and usage
 * @param clock turns {@code --expires-in} into an instant
 * @param launcher starts the server for {@code serve}
 */
public record CliContext(
    Map<String, String> env,
    SecretInput stdin,
    PrintWriter out,
    PrintWriter err,
    Clock clock,
    Launcher launcher) {
  public CliContext {
    env = Map.copyOf(env);
  }

  /** The process's own environment and streams; a key on stdin is read without echo at a tty. */
  public static CliContext system(Launcher launcher) {
    return new CliContext(
        System.getenv(),
        Secrets.standardInput(System.console(), System.in),
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        Clock.systemUTC(),
        launcher);
  }

  /** The value of an environment variable; empty when unset or blank. */
  String variable(String name) {
    String value = env.get(name);
    return value == null ? "" : value.strip();
  }
}
