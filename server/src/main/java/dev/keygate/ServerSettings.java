package dev.keygate;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import dev.keygate.config.HostPort;
import java.time.Duration;
import java.util.Map;

/**
 * The gRPC port ({@link KeygateServer}); its TLS is {@link dev.keygate.tls.TlsSettings}.
 *
 * @param listen {@code KEYGATE_LISTEN}, host:port to listen on (default 127.0.0.1:7070; port 0 =
 *     any free port)
 * @param shutdownGrace {@code KEYGATE_SHUTDOWN_GRACE}, drain time on SIGTERM (default 10s)
 */
public record ServerSettings(HostPort listen, Duration shutdownGrace) {

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static ServerSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    HostPort listen =
        HostPort.parse(r.get("KEYGATE_LISTEN", "127.0.0.1:7070"))
            .orElseThrow(
                () ->
                    new ConfigException(
                        "KEYGATE_LISTEN must be host:port, e.g. 127.0.0.1:7070 or 0.0.0.0:7070"));
    return new ServerSettings(
        listen, r.duration("KEYGATE_SHUTDOWN_GRACE", "10s", Duration.ZERO, Duration.ofMinutes(10)));
  }

  @Override
  public String toString() {
    return "listen=" + listen + ", shutdownGrace=" + Durations.format(shutdownGrace);
  }
}
