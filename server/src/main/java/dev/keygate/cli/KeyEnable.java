package dev.keygate.cli;

import dev.keygate.api.v1.EnableKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keygate keys enable ID}. */
@Command(name = "enable", description = "Lets a disabled key be used again.")
final class KeyEnable extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id.")
  String id;

  KeyEnable(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    EnableKeyRequest request = EnableKeyRequest.newBuilder().setId(id).build();
    return admin -> output.print(context.out(), admin.enableKey(request), KeyView::print);
  }
}
