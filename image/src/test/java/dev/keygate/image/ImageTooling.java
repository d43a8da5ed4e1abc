package dev.keygate.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
    return Optional.empty();
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
