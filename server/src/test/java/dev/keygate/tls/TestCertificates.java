package dev.keygate.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the {@code openssl} command: a CA, a server certificate for localhost
 * / 127.0.0.1 and a client certificate signed by it, and a second, unrelated CA with a client
 * certificate of its own. EC P-256 keys in PKCS#8 PEM, valid for two days.
 */
public final class TestCertificates {
  final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates create(Path dir) {
    TestCertificates c = new TestCertificates(dir);
    c.ca("ca");
    c.ca("rogue-ca");
    c.signed(
        "server",
        "ca",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n" + "extendedKeyUsage=serverAuth\n");
    c.signed("client", "ca", "extendedKeyUsage=clientAuth\n");
    c.signed("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n");
    return c;
  }

  public Path cert(String name) {
    return dir.resolve(name + ".pem");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  private void ca(String name) {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key(name).toString(),
        "-out",
        cert(name).toString(),
        "-days",
        "2",
        "-subj",
        "/CN=keygate test " + name);
  }

  private void signed(String name, String ca, String extensions) {
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    try {
      Files.writeString(ext, extensions, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key(name).toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + name);
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        cert(ca).toString(),
        "-CAkey",
        key(ca).toString(),
        "-CAcreateserial",
        "-out",
        cert(name).toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("openssl did not finish: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl failed: " + command + "\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("openssl is needed for the TLS tests", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
