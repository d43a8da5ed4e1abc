package dev.keygate.cli;

import com.google.protobuf.Message;
import dev.keygate.api.v1.ApiKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A secret just made by CreateKey or RotateKey: shown this once, clearly marked, or written to an
 * owner-only file and then shown nowhere.
 */
final class NewSecret {
  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "Write the new secret to FILE (created owner-only; never replaced) instead of"
              + " printing it.")
  Path file;

  /** Creates the file before the call, so a bad path fails before any secret exists. */
  Optional<Secrets.Reserved> reserve() {
    return file == null ? Optional.empty() : Optional.of(Secrets.reserve(file));
  }

  /**
   * Prints the response (its secret marked, or left out when it went to the file).
   *
   * @param response CreateKeyResponse or RotateKeyResponse
   */
  static void show(
      PrintWriter out,
      OutputFormat output,
      Optional<Secrets.Reserved> file,
      Message response,
      ApiKey key,
      String secret) {
    file.ifPresent(f -> f.write(secret));
    Message shown =
        file.isEmpty()
            ? response
            : response.toBuilder()
                .clearField(response.getDescriptorForType().findFieldByName("secret"))
                .build();
    output.print(
        out,
        shown,
        (o, r) -> {
          KeyView.print(o, key);
          o.println();
          if (file.isPresent()) {
            o.println(
                "secret: written to " + file.get().file() + " (owner-only); shown nowhere else");
          } else {
            o.println("SECRET, shown this once (keygate keeps only its digest), store it now:");
            o.println(secret);
          }
        });
  }
}
