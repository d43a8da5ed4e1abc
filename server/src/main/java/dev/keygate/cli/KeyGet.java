package dev.keygate.cli;

import dev.keygate.api.v1.GetKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keygate keys get ID}. */
@Command(name = "get", description = "Shows one key (never its secret).")
final class KeyGet extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id (12 characters).")
  String id;

  KeyGet(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    GetKeyRequest request = GetKeyRequest.newBuilder().setId(id).build();
    return admin -> output.print(context.out(), admin.getKey(request), KeyView::print);
  }
}
