package dev.keygate.cli;

import com.google.protobuf.FieldMask;
import dev.keygate.api.v1.ApiKey;
import dev.keygate.api.v1.UpdateKeyRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keygate keys update ID}: changes exactly the fields given; the update mask is made from
 * the options present.
 */
@Command(
    name = "update",
    description =
        "Changes the fields given (and only those). --scope and --limit replace the"
            + " whole list; --metadata the whole map.")
final class KeyUpdate extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id.")
  String id;

  @Mixin KeyAttributes attributes;

  @Option(names = "--no-expiry", description = "Remove the expiry.")
  boolean noExpiry;

  @Option(names = "--no-rate-limit", description = "Remove the key's own rate limit.")
  boolean noRateLimit;

  @Option(names = "--no-limits", description = "Remove the further limits.")
  boolean noLimits;

  @Option(names = "--no-credits", description = "Remove the credits: the key is unmetered.")
  boolean noCredits;

  @Option(names = "--clear-metadata", description = "Remove every label.")
  boolean clearMetadata;

  KeyUpdate(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    ApiKey.Builder key = ApiKey.newBuilder().setId(id);
    List<String> mask = new ArrayList<>();
    if (attributes.name != null) {
      key.setName(attributes.name);
      mask.add("name");
    }
    if (attributes.description != null) {
      key.setDescription(attributes.description);
      mask.add("description");
    }
    if (attributes.metadata != null || clearMetadata) {
      exclusive(attributes.metadata != null && clearMetadata, "--metadata", "--clear-metadata");
      Optional.ofNullable(attributes.metadata).ifPresent(key::putAllMetadata);
      mask.add("metadata");
    }
    if (attributes.scopes != null) {
      key.addAllScopes(attributes.scopes);
      mask.add("scopes");
    }
    Optional<com.google.protobuf.Timestamp> expiry = attributes.expiry(context.clock());
    if (expiry.isPresent() || noExpiry) {
      exclusive(expiry.isPresent() && noExpiry, "--expires-at/--expires-in", "--no-expiry");
      expiry.ifPresent(key::setExpiresAt);
      mask.add("expires_at");
    }
    if (attributes.rateLimit != null || noRateLimit) {
      exclusive(attributes.rateLimit != null && noRateLimit, "--rate-limit", "--no-rate-limit");
      Optional.ofNullable(attributes.rateLimit).ifPresent(key::setRateLimit);
      mask.add("rate_limit");
    }
    if (attributes.limits != null || noLimits) {
      exclusive(attributes.limits != null && noLimits, "--limit", "--no-limits");
      Optional.ofNullable(attributes.limits).ifPresent(key::addAllLimits);
      mask.add("limits");
    }
    Optional<dev.keygate.api.v1.Credits> credits = attributes.credits();
    if (credits.isPresent() || noCredits) {
      exclusive(credits.isPresent() && noCredits, "--credits", "--no-credits");
      credits.ifPresent(key::setCredits);
      mask.add("credits");
    }
    if (mask.isEmpty()) {
      throw new CliException(
          ExitCode.USAGE, "keys update: nothing to change; see keygate keys update --help");
    }
    UpdateKeyRequest request =
        UpdateKeyRequest.newBuilder()
            .setKey(key)
            .setUpdateMask(FieldMask.newBuilder().addAllPaths(mask))
            .build();
    return admin -> output.print(context.out(), admin.updateKey(request), KeyView::print);
  }

  private static void exclusive(boolean both, String set, String clear) {
    if (both) {
      throw new CliException(ExitCode.USAGE, set + " and " + clear + ": give one, not both");
    }
  }
}
