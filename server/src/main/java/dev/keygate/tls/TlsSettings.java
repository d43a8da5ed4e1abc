package dev.keygate.tls;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS on the gRPC port, for deployments where callers reach keygate over a network rather than
 * loopback: a server certificate and key, and optionally a CA whose certificates every client must
 * present (mutual TLS). All files are PEM.
 *
 * @param certFile the certificate chain ({@code KEYGATE_TLS_CERT_FILE}); null = plaintext
 * @param keyFile its PKCS#8 private key ({@code KEYGATE_TLS_KEY_FILE})
 * @param clientCaFile CA certificates client certificates must chain to ({@code
 *     KEYGATE_TLS_CLIENT_CA_FILE}); null = no client certificate asked for
 */
public record TlsSettings(Path certFile, Path keyFile, Path clientCaFile) {
  /** Largest PEM file read; real ones are a few KiB. */
  static final long MAX_PEM_BYTES = 1 << 20;

  private static final TlsSettings OFF = new TlsSettings(null, null, null);

  /** True when the port speaks TLS. */
  public boolean enabled() {
    return certFile != null;
  }

  /** True when clients must present a certificate signed by {@link #clientCaFile()}. */
  public boolean mutual() {
    return clientCaFile != null;
  }

  /** Plaintext. */
  public static TlsSettings off() {
    return OFF;
  }

  /**
   * Reads and checks the settings: the files must exist, be readable and hold the PEM blocks their
   * variable promises; a problem throws a ConfigException naming the variable. (Whether the
   * certificate and key parse and belong together is checked when the port opens.)
   */
  public static TlsSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String cert = r.optional("KEYGATE_TLS_CERT_FILE");
    String key = r.optional("KEYGATE_TLS_KEY_FILE");
    String ca = r.optional("KEYGATE_TLS_CLIENT_CA_FILE");
    if (cert == null && key == null && ca == null) {
      return OFF;
    }
    if (cert == null || key == null) {
      throw new ConfigException(
          "KEYGATE_TLS_CERT_FILE and KEYGATE_TLS_KEY_FILE go together"
              + (ca != null ? " (and KEYGATE_TLS_CLIENT_CA_FILE needs both)" : "")
              + ": set both for TLS, or neither for plaintext");
    }
    return new TlsSettings(
        pem("KEYGATE_TLS_CERT_FILE", cert, "CERTIFICATE"),
        pem("KEYGATE_TLS_KEY_FILE", key, "PRIVATE KEY"),
        ca == null ? null : pem("KEYGATE_TLS_CLIENT_CA_FILE", ca, "CERTIFICATE"));
  }

  /** The path, once it is a readable file holding a PEM block of the given kind. */
  private static Path pem(String variable, String file, String kind) {
    Path path = Path.of(file);
    String text;
    try {
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(variable + ": " + file + " is not a file");
      }
      if (Files.size(path) > MAX_PEM_BYTES) {
        throw new ConfigException(
            variable + ": " + file + " is larger than " + MAX_PEM_BYTES + " bytes");
      }
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException c) {
        throw c;
      }
      // the exception's text could quote the file; its type is enough
      throw new ConfigException(
          variable + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    if (!text.contains("-----BEGIN ") || !text.contains(kind + "-----")) {
      throw new ConfigException(
          variable
              + ": "
              + file
              + " holds no PEM "
              + kind
              + " block (-----BEGIN "
              + kind
              + "-----)");
    }
    return path;
  }

  @Override
  public String toString() {
    return !enabled() ? "off" : mutual() ? "mutual" : "on";
  }
}
