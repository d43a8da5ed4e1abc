package dev.keygate.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Reads credentials from files and streams, and writes created secrets to files: bounded, and never
 * with the secret in an error message.
 */
final class Secrets {
  /** Longest credential read; keys are about 60 bytes and admin tokens rarely more than 100. */
  static final int MAX_BYTES = 4096;

  private Secrets() {}

  /** The secret in a file, stripped. */
  static String fromFile(String option, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return fromStream(option + " " + file, in);
    } catch (IOException e) {
      // the exception's text could quote the file's content in odd cases; its type is enough
      throw new CliException(
          ExitCode.USAGE,
          option + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The secret on a stream, at most {@link #MAX_BYTES}, stripped; never empty. */
  static String fromStream(String source, InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new CliException(
          ExitCode.USAGE, source + ": longer than " + MAX_BYTES + " bytes: not a credential");
    }
    String value = new String(bytes, StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      throw new CliException(ExitCode.USAGE, source + ": empty: no credential in it");
    }
    return value;
  }

  /** A key typed at a terminal, without echo; else the process's stdin. */
  static SecretInput standardInput(Console console, InputStream stdin) {
    if (console == null) {
      return fromStdin(stdin);
    }
    return () -> {
      char[] typed = console.readPassword("API key: ");
      if (typed == null) {
        throw new CliException(ExitCode.USAGE, "stdin: closed before a key was typed");
      }
      String value = new String(typed).strip();
      Arrays.fill(typed, ' ');
      if (value.isEmpty() || value.length() > MAX_BYTES) {
        throw new CliException(ExitCode.USAGE, "stdin: no key typed, or longer than a key");
      }
      return value;
    };
  }

  /** The key piped on stdin. */
  static SecretInput fromStdin(InputStream stdin) {
    return () -> {
      try {
        return fromStream("stdin", stdin);
      } catch (IOException e) {
        throw new CliException(
            ExitCode.USAGE, "stdin: cannot read (" + e.getClass().getSimpleName() + ")");
      }
    };
  }

  /**
   * Creates the empty file a new secret will be written to, readable by its owner only, before the
   * call that makes the secret: a path that cannot be written then fails before any key exists, and
   * an existing file is never replaced (it may hold the only copy of an earlier secret).
   */
  static Reserved reserve(Path file) {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new CliException(ExitCode.USAGE, "--secret-file " + file + " exists: not replaced");
    } catch (UnsupportedOperationException e) {
      // no POSIX permissions (Windows): the directory's own access rules apply
      try {
        Files.writeString(file, "", StandardOpenOption.CREATE_NEW);
      } catch (IOException io) {
        throw cannotWrite(file, io);
      }
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
    return new Reserved(file);
  }

  /** A file made by {@link #reserve}: filled with the secret, or removed when no secret came. */
  record Reserved(Path file) {
    void write(String secret) {
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
        out.write((secret + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException(
            ExitCode.FAILED,
            "--secret-file: cannot write "
                + file
                + " ("
                + e.getClass().getSimpleName()
                + "): the secret is lost; rotate the key to get a new one");
      }
    }

    void discard() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // an empty file left behind holds nothing secret
      }
    }
  }

  private static CliException cannotWrite(Path file, IOException e) {
    return new CliException(
        ExitCode.USAGE,
        "--secret-file: cannot create " + file + " (" + e.getClass().getSimpleName() + ")");
  }
}
