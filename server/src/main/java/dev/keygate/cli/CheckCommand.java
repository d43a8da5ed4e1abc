package dev.keygate.cli;

import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CheckResponse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keygate check}: Authorize.Check of a key read from stdin or a file (never an argument),
 * counted like any call. Exit 0 when allowed; a denial's exit code and reason otherwise.
 */
@Command(
    name = "check",
    description = {
      "Asks the sidecar whether a key may make a call needing the given scopes (Authorize.Check;"
          + " an allowed check counts toward the key's rate limit and usage).",
      "The key is read from --key-file, else from stdin (typed without echo at a terminal)."
    })
final class CheckCommand implements Callable<Integer> {
  @Mixin Target target;
  @Mixin OutputFormat output;

  @Option(
      names = {"--scope", "--scopes"},
      split = ",",
      paramLabel = "SCOPE",
      description = "A scope the call needs (repeatable, or comma-separated). None: any valid key.")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description = "A file holding the key to check. Default: stdin.")
  Path keyFile;

  private final CliContext context;

  CheckCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String key = keyFile != null ? Secrets.fromFile("--key-file", keyFile) : context.stdin().read();
    CheckRequest request =
        CheckRequest.newBuilder().setKey(key).addAllRequiredScopes(scopes).build();
    try (Connection connection = target.connect(context)) {
      output.print(context.out(), connection.authorize().check(request), CheckCommand::print);
    }
    return ExitCode.OK.code();
  }

  private static void print(PrintWriter out, CheckResponse r) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"allowed", "yes"});
    f.add(new String[] {"key", r.getKeyId() + " (" + r.getKeyName() + ")"});
    f.add(new String[] {"project", r.getProject()});
    f.add(new String[] {"kind", KeyView.kind(r.getKind())});
    f.add(new String[] {"scopes", String.join(" ", r.getGrantedScopesList())});
    if (r.hasRateLimit()) {
      var l = r.getRateLimit();
      f.add(
          new String[] {
            "rate limit",
            l.getRemaining()
                + " of "
                + l.getLimit()
                + " left, "
                + l.getSubject()
                + " "
                + KeyView.lower(l.getScope().name(), "LIMIT_SCOPE_")
                + ", resets "
                + KeyView.time(l.hasResetAt(), l.getResetAt())
          });
    } else {
      f.add(new String[] {"rate limit", "none"});
    }
    Table.fields(out, f);
  }
}
