package dev.keygate.cli;

import dev.keygate.api.v1.ListKeysRequest;
import dev.keygate.api.v1.ListKeysResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keygate keys list}: one page of a project's keys. */
@Command(name = "list", description = "Lists a project's keys, oldest first, a page at a time.")
final class KeyList extends AdminVerb {
  @Option(names = "--project", required = true, paramLabel = "PROJECT", description = "Owner.")
  String project;

  @Option(names = "--include-revoked", description = "Also list revoked keys.")
  boolean includeRevoked;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Keys per page, 1-1000. Default: ${DEFAULT-VALUE}.")
  int pageSize;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "The next page, as the previous page said.")
  String pageToken;

  KeyList(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    ListKeysRequest.Builder b =
        ListKeysRequest.newBuilder()
            .setProject(project)
            .setPageSize(pageSize)
            .setIncludeRevoked(includeRevoked);
    if (pageToken != null) {
      b.setPageToken(pageToken);
    }
    ListKeysRequest request = b.build();
    return admin ->
        output.print(context.out(), admin.listKeys(request), (out, page) -> print(out, page));
  }

  private static void print(java.io.PrintWriter out, ListKeysResponse page) {
    KeyView.list(out, page.getKeysList());
    if (!page.getNextPageToken().isEmpty()) {
      out.println();
      out.println("more: --page-token " + page.getNextPageToken());
    }
  }
}
