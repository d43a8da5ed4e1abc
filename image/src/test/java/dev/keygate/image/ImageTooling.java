package dev.keygate.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Why the image test cannot run on this machine, if it cannot: buildah needs root and its tools.
 */
final class ImageTooling {
  private ImageTooling() {}

  static Optional<String> missing() {
    for (String tool : new String[] {"buildah", "mmdebstrap", "redis-server", "node"}) {
      if (!onPath(tool)) {
        return Optional.of(tool + " is not installed (.ci/run installs it with apt-get)");
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("buildah with chroot isolation needs root");
    }
    return buildahCannotMount();
  }

  /**
   * Installed is not enough: a sandbox may forbid the mounts buildah makes. An empty working
   * container, mounted and removed on a throwaway storage, answers that in about a second; what
   * fails after this probe passes is a real failure.
   */
  private static Optional<String> buildahCannotMount() {
    try {
      Path root = Files.createTempDirectory("buildah-probe");
      String[] bh = {
        "buildah",
        "--root",
        root.resolve("storage").toString(),
        "--runroot",
        root.resolve("run").toString(),
        "--storage-driver",
        "vfs"
      };
      String container = run(bh, "from", "scratch").strip();
      String mounted = run(bh, "mount", container).strip();
      run(bh, "rm", container);
      return mounted.isEmpty()
          ? Optional.of("buildah cannot mount a working container here")
          : Optional.empty();
    } catch (IOException e) {
      return Optional.of("buildah cannot run here: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted probing buildah");
    }
  }

  private static String run(String[] base, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(base));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", args) + " failed: " + out.strip());
    }
    return out;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
