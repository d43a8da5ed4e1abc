package dev.keygate.metrics;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import dev.keygate.config.HostPort;
import java.util.Map;

/**
 * The Prometheus endpoint ({@link MetricsEndpoint}).
 *
 * @param listen {@code KEYGATE_METRICS_LISTEN}, host:port to serve on (port 0 = any free port);
 *     null = no metrics endpoint ({@code off}, the default)
 */
public record MetricsSettings(HostPort listen) {

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static MetricsSettings fromEnv(Map<String, String> env) {
    String text = new EnvReader(env).get("KEYGATE_METRICS_LISTEN", "off");
    if (text.equals("off")) {
      return new MetricsSettings(null);
    }
    return new MetricsSettings(
        HostPort.parse(text)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "KEYGATE_METRICS_LISTEN must be off or host:port, e.g. "
                            + "127.0.0.1:9464 or 0.0.0.0:9464")));
  }

  /** True when the endpoint is served. */
  public boolean enabled() {
    return listen != null;
  }

  @Override
  public String toString() {
    return enabled() ? listen.toString() : "off";
  }
}
