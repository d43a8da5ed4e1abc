package dev.keygate.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * One in-process run of the command line: the arguments, an injected environment and stdin, and
 * what it printed and returned.
 */
record CliRun(int exit, String out, String err) {
  static CliRun run(
      Map<String, String> env, String stdin, Clock clock, Launcher launcher, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext context =
        new CliContext(
            env,
            Secrets.fromStdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            clock,
            launcher);
    int exit = KeygateCli.run(context, args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
