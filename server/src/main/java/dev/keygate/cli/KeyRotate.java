package dev.keygate.cli;

import dev.keygate.api.v1.RotateKeyRequest;
import dev.keygate.api.v1.RotateKeyResponse;
import dev.keygate.config.Durations;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keygate keys rotate ID}. */
@Command(
    name = "rotate",
    description =
        "Issues a new secret (printed once, or written to --secret-file); the old one"
            + " works for the grace period.")
final class KeyRotate extends AdminVerb {
  @Parameters(paramLabel = "ID", description = "The key id.")
  String id;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      defaultValue = "0s",
      description =
          "How long the old secret keeps working, 0s-30d, e.g. 1h. Default: ${DEFAULT-VALUE}"
              + " (it stops at once).")
  String grace;

  @Mixin NewSecret newSecret;

  KeyRotate(CliContext context) {
    super(context);
  }

  @Override
  Call prepare() {
    Duration period;
    try {
      period = Durations.parse(grace);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--grace: " + e.getMessage());
    }
    RotateKeyRequest request =
        RotateKeyRequest.newBuilder()
            .setId(id)
            .setGracePeriod(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(period.getSeconds())
                    .setNanos(period.getNano()))
            .build();
    Optional<Secrets.Reserved> file = newSecret.reserve();
    return admin -> {
      RotateKeyResponse response;
      try {
        response = admin.rotateKey(request);
      } catch (RuntimeException e) {
        file.ifPresent(Secrets.Reserved::discard);
        throw e;
      }
      NewSecret.show(
          context.out(), output, file, response, response.getKey(), response.getSecret());
    };
  }
}
