package dev.keygate.cli;

import dev.keygate.api.v1.DisableKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keygate keys disable ID}. */
@Command(
    name = "disable",
    description =
        "Switches a key off without revoking it: refused with KEY_DISABLED until enabled again.")
final class KeyDisable extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id.")
  String id;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (kept with the key until it is enabled), at most 256 characters.")
  String reason;

  KeyDisable(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    DisableKeyRequest.Builder b = DisableKeyRequest.newBuilder().setId(id);
    if (reason != null) {
      b.setReason(reason);
    }
    DisableKeyRequest request = b.build();
    return admin -> output.print(context.out(), admin.disableKey(request), KeyView::print);
  }
}
