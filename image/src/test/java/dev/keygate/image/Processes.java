package dev.keygate.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external programs of the image test (helm, node, buildah), each with a time bound. */
final class Processes {
  /** The longest any one command here may take: building the bases the first time is the most. */
  static final long COMMAND_TIMEOUT_MINUTES = 15;

  private Processes() {}

  /** Runs the command and returns its standard output; fails with its output on a non-zero exit. */
  static String output(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Path err = Files.createTempFile("keygate-image-cmd", ".err");
    Path out = Files.createTempFile("keygate-image-cmd", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(cmd + " did not finish in " + COMMAND_TIMEOUT_MINUTES + " min");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(
            cmd.get(0)
                + " "
                + (cmd.size() > 1 ? cmd.get(1) : "")
                + " exited "
                + p.exitValue()
                + ":\n"
                + Files.readString(err, StandardCharsets.UTF_8)
                + stdout);
      }
      return stdout;
    } finally {
      Files.deleteIfExists(err);
      Files.deleteIfExists(out);
    }
  }
}
