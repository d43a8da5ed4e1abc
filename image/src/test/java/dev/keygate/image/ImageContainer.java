package dev.keygate.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The image started with {@code buildah run} (chroot isolation, the host's network) the way the
 * chart's pod spec starts it: its user, environment and writable mounts, the image's entrypoint.
 * Stdout and stderr go to a log file. Without a PID namespace the JVM is a host process, so SIGTERM
 * goes to it directly, as the kubelet's runtime sends it to the container's main process.
 */
final class ImageContainer implements AutoCloseable {
  private final Path repo;
  private final String container;
  private final Process process;
  private final Path log;

  private ImageContainer(Path repo, String container, Process process, Path log) {
    this.repo = repo;
    this.container = container;
    this.process = process;
    this.log = log;
  }

  static ImageContainer start(Path repo, String image, ChartPod pod, Path log)
      throws IOException, InterruptedException {
    String name = "keygate-image-test-" + UUID.randomUUID().toString().substring(0, 8);
    buildah(repo, "from", "--pull=never", "--name", name, image);
    // buildah's inspect output is JSON, which YAML reads as well
    Map<String, Map<String, Map<String, List<String>>>> info =
        new Yaml(new LoaderOptions()).load(buildah(repo, "inspect", "--type", "image", image));
    List<String> entrypoint = info.get("OCIv1").get("config").get("Entrypoint");
    List<String> cmd = new ArrayList<>(List.of(script(repo), "run", "--isolation", "chroot"));
    cmd.addAll(List.of("--network", "host", "--cap-drop", "ALL"));
    cmd.addAll(List.of("--user", pod.runAsUser() + ":" + pod.runAsGroup()));
    for (String path : pod.mountPaths()) {
      // the chart's emptyDir volumes (medium: Memory)
      cmd.addAll(List.of("--mount", "type=tmpfs,destination=" + path));
    }
    for (Map.Entry<String, String> e : pod.env().entrySet()) {
      cmd.addAll(List.of("--env", e.getKey() + "=" + e.getValue()));
    }
    cmd.add(name);
    cmd.add("--");
    cmd.addAll(entrypoint);
    Process p =
        new ProcessBuilder(cmd)
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new ImageContainer(repo, name, p, log);
  }

  /** The JVM running in the container: a descendant of buildah whose program is bin/java. */
  Optional<ProcessHandle> jvm() {
    return process
        .descendants()
        .filter(h -> h.info().command().map(c -> c.endsWith("/bin/java")).orElse(false))
        .findFirst();
  }

  /** The uid the JVM runs as on the host (no user namespace: the same number as inside). */
  long jvmUid() throws IOException {
    long pid = jvm().orElseThrow().pid();
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("Uid:")) {
        return Long.parseLong(line.split("\\s+")[1]);
      }
    }
    throw new IOException("no Uid line for " + pid);
  }

  void sigterm() throws IOException, InterruptedException {
    long pid = jvm().orElseThrow(() -> new IllegalStateException("no JVM running")).pid();
    Processes.output(repo, List.of("kill", "-TERM", String.valueOf(pid)));
  }

  /** Waits up to {@code bound} for buildah run to end; its exit code is the JVM's. */
  Optional<Integer> awaitExit(Duration bound) throws InterruptedException {
    return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  boolean isRunning() {
    return process.isAlive();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /**
   * Files of the container's root filesystem modified after {@code marker} was written, outside the
   * given mounts: what a read-only root filesystem would have refused.
   */
  List<String> writtenSince(Path marker, List<String> mounts)
      throws IOException, InterruptedException {
    Path root = Path.of(buildah(repo, "mount", container).strip());
    try (Stream<Path> files = Files.walk(root)) {
      long since = Files.getLastModifiedTime(marker).toMillis();
      return files
          .filter(f -> !f.equals(root))
          // buildah run itself adds and removes its mount points in /run (seen with /bin/true):
          // the directory's time changes, nothing in it stays
          .filter(f -> !f.equals(root.resolve("run")))
          .filter(f -> mounts.stream().noneMatch(m -> f.startsWith(root.resolve(m.substring(1)))))
          .filter(f -> modifiedAfter(f, since))
          .map(f -> "/" + root.relativize(f))
          .toList();
    } finally {
      buildah(repo, "umount", container);
    }
  }

  private static boolean modifiedAfter(Path f, long since) {
    try {
      return Files.getLastModifiedTime(f, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis()
          > since;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    jvm().ifPresent(ProcessHandle::destroyForcibly);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    buildah(repo, "rm", container);
  }

  static String buildah(Path repo, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(script(repo)));
    cmd.addAll(List.of(args));
    return Processes.output(repo, cmd);
  }

  private static String script(Path repo) {
    return repo.resolve("image/buildah.sh").toString();
  }
}
