package dev.keygate.cli;

import dev.keygate.config.Durations;
import dev.keygate.config.HostPort;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Options naming the sidecar and how to reach it: its address, and plaintext (a loopback sidecar)
 * or TLS as the server's KEYGATE_TLS_* settings require (a CA to trust; a client certificate for
 * mutual TLS).
 */
final class Target {
  static final String ADDRESS_VARIABLE = "KEYGATE_ADDRESS";
  static final String DEFAULT_ADDRESS = "127.0.0.1:7070";
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description = "The sidecar's gRPC address. Default: $KEYGATE_ADDRESS, else 127.0.0.1:7070.")
  String address;

  @Option(
      names = "--tls",
      description = "Connect with TLS, trusting the system's CAs (implied by the --tls-* files).")
  boolean tls;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "PEM CA certificates to trust for the sidecar's certificate.")
  Path caFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM client certificate, for a sidecar with KEYGATE_TLS_CLIENT_CA_FILE.")
  Path certFile;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PKCS#8 PEM private key of --tls-cert.")
  Path keyFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "Deadline of each call (100ms-5m), e.g. 500ms, 10s. Default: ${DEFAULT-VALUE}.")
  String timeout;

  /** Opens a channel to the sidecar (connecting lazily, at the first call). */
  Connection connect(CliContext context) {
    String given = address != null ? address.strip() : context.variable(ADDRESS_VARIABLE);
    String where = address != null ? "--address" : ADDRESS_VARIABLE;
    String text = given.isEmpty() ? DEFAULT_ADDRESS : given;
    HostPort target =
        HostPort.parse(text)
            .filter(hp -> hp.port() > 0)
            .orElseThrow(
                () -> new CliException(ExitCode.USAGE, where + ": not host:port: " + text));
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials()).build();
    return new Connection(channel, deadline());
  }

  private Duration deadline() {
    Duration d;
    try {
      d = Durations.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, "--timeout: " + e.getMessage());
    }
    if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new CliException(ExitCode.USAGE, "--timeout: must be 100ms to 5m");
    }
    return d;
  }

  private ChannelCredentials credentials() {
    if (!tls && caFile == null && certFile == null && keyFile == null) {
      return InsecureChannelCredentials.create();
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new CliException(ExitCode.USAGE, "--tls-cert and --tls-key go together");
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (caFile != null) {
        b.trustManager(caFile.toFile());
      }
      if (certFile != null) {
        b.keyManager(certFile.toFile(), keyFile.toFile());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(
          ExitCode.USAGE,
          "--tls-ca / --tls-cert / --tls-key: cannot read "
              + (caFile != null ? caFile + " " : "")
              + (certFile != null ? certFile + " " + keyFile + " " : "")
              + "("
              + e.getClass().getSimpleName()
              + ")");
    }
    return b.build();
  }
}
