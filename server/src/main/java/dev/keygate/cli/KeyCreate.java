package dev.keygate.cli;

import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.CreateKeyResponse;
import dev.keygate.api.v1.KeyKind;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keygate keys create}. */
@Command(
    name = "create",
    description = "Creates a key. Its secret is printed once, marked, or written to --secret-file.")
final class KeyCreate extends AdminVerb {
  enum Kind {
    live,
    test
  }

  @Option(names = "--project", required = true, paramLabel = "PROJECT", description = "Owner.")
  String project;

  @Mixin KeyAttributes attributes;

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      description = "live or test. Default: the sidecar's environment.")
  Kind kind;

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description = "Idempotency key: a repeat within 24h fails with DUPLICATE_REQUEST.")
  String requestId;

  @Mixin NewSecret newSecret;

  KeyCreate(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    if (attributes.name == null) {
      throw new CliException(ExitCode.USAGE, "keys create: --name is required");
    }
    if (attributes.scopes == null) {
      throw new CliException(ExitCode.USAGE, "keys create: at least one --scope is required");
    }
    CreateKeyRequest.Builder b =
        CreateKeyRequest.newBuilder()
            .setProject(project)
            .setName(attributes.name)
            .addAllScopes(attributes.scopes);
    if (attributes.description != null) {
      b.setDescription(attributes.description);
    }
    if (attributes.metadata != null) {
      b.putAllMetadata(attributes.metadata);
    }
    if (kind != null) {
      b.setKind(kind == Kind.live ? KeyKind.KEY_KIND_LIVE : KeyKind.KEY_KIND_TEST);
    }
    attributes.expiry(context.clock()).ifPresent(b::setExpiresAt);
    if (attributes.rateLimit != null) {
      b.setRateLimit(attributes.rateLimit);
    }
    if (attributes.limits != null) {
      b.addAllLimits(attributes.limits);
    }
    attributes.credits().ifPresent(b::setCredits);
    if (requestId != null) {
      b.setRequestId(requestId);
    }
    CreateKeyRequest request = b.build();
    Optional<Secrets.Reserved> file = newSecret.reserve();
    return admin -> {
      CreateKeyResponse response;
      try {
        response = admin.createKey(request);
      } catch (RuntimeException e) {
        file.ifPresent(Secrets.Reserved::discard);
        throw e;
      }
      NewSecret.show(
          context.out(), output, file, response, response.getKey(), response.getSecret());
    };
  }
}
