package dev.keygate.tls;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The gRPC server credentials for {@link TlsSettings}. */
public final class ServerTls {
  private ServerTls() {}

  /**
   * Plaintext, TLS, or TLS requiring a client certificate that chains to the client CA.
   *
   * @throws UncheckedIOException naming the variable whose file cannot be read
   */
  public static ServerCredentials credentials(TlsSettings tls) {
    if (!tls.enabled()) {
      return InsecureServerCredentials.create();
    }
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder();
    try {
      b.keyManager(tls.certFile().toFile(), tls.keyFile().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "KEYGATE_TLS_CERT_FILE / KEYGATE_TLS_KEY_FILE: cannot read "
              + tls.certFile()
              + " or "
              + tls.keyFile()
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    if (tls.mutual()) {
      try {
        b.trustManager(tls.clientCaFile().toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "KEYGATE_TLS_CLIENT_CA_FILE: cannot read "
                + tls.clientCaFile()
                + " ("
                + e.getClass().getSimpleName()
                + ")",
            e);
      }
      b.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }
}
