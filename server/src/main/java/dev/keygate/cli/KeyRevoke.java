package dev.keygate.cli;

import dev.keygate.api.v1.RevokeKeyRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keygate keys revoke ID}. */
@Command(name = "revoke", description = "Revokes a key at once; it can never be used again.")
final class KeyRevoke extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id.")
  String id;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why (kept with the key), at most 256 characters.")
  String reason;

  KeyRevoke(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    RevokeKeyRequest.Builder b = RevokeKeyRequest.newBuilder().setId(id);
    if (reason != null) {
      b.setReason(reason);
    }
    RevokeKeyRequest request = b.build();
    return admin -> output.print(context.out(), admin.revokeKey(request), KeyView::print);
  }
}
