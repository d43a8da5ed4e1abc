package dev.keygate.leak;

import dev.keygate.config.ConfigException;
import dev.keygate.config.EnvReader;
import dev.keygate.config.HostPort;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The leaked-key endpoint ({@link LeakEndpoint}): GitHub's secret-scanning partner program posts
 * the keygate keys it found in public code here (docs/leaked-keys.md).
 *
 * @param listen {@code KEYGATE_LEAK_LISTEN}, host:port of the endpoint's own listener (port 0 = any
 *     free port); null = off, the default. A listener of its own, not the forward-auth port: this
 *     one faces GitHub (through an ingress), the forward-auth port faces the proxy only
 * @param publicKeys {@code KEYGATE_LEAK_PUBLIC_KEYS_FILE}, GitHub's signing keys as {@code
 *     https://api.github.com/meta/public_keys/secret_scanning} returns them, saved to a file
 *     (keygate assumes no internet access); required when the listener is on, read at start
 * @param action {@code KEYGATE_LEAK_ACTION}, what happens to a reported live key: {@code revoke}
 *     (the default: the key is dead for good) or {@code disable} (an operator may enable it again)
 * @param maxBodyBytes {@code KEYGATE_LEAK_MAX_BODY_BYTES}, the largest report accepted (default
 *     262144); a larger one is refused with 413 before it is read
 */
public record LeakSettings(
    HostPort listen, SigningKeys publicKeys, LeakAction action, int maxBodyBytes) {

  /** The documented defaults: off. */
  public static LeakSettings defaults() {
    return fromEnv(Map.of());
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static LeakSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String listenText = r.get("KEYGATE_LEAK_LISTEN", "off");
    HostPort listen =
        listenText.equals("off")
            ? null
            : HostPort.parse(listenText)
                .orElseThrow(
                    () ->
                        new ConfigException(
                            "KEYGATE_LEAK_LISTEN must be off or host:port, e.g. 0.0.0.0:7073"));
    String file = r.optional("KEYGATE_LEAK_PUBLIC_KEYS_FILE");
    SigningKeys keys = SigningKeys.NONE;
    if (file != null) {
      keys = SigningKeys.load(Path.of(file));
    } else if (listen != null) {
      throw new ConfigException(
          "KEYGATE_LEAK_LISTEN needs KEYGATE_LEAK_PUBLIC_KEYS_FILE: GitHub's secret-scanning "
              + "public keys, saved from https://api.github.com/meta/public_keys/secret_scanning");
    }
    String actionText = r.get("KEYGATE_LEAK_ACTION", "revoke").toLowerCase(Locale.ROOT);
    LeakAction action =
        switch (actionText) {
          case "revoke" -> LeakAction.REVOKE;
          case "disable" -> LeakAction.DISABLE;
          default -> throw new ConfigException("KEYGATE_LEAK_ACTION must be revoke or disable");
        };
    return new LeakSettings(
        listen,
        keys,
        action,
        r.integer("KEYGATE_LEAK_MAX_BODY_BYTES", 256 << 10, 1 << 10, 8 << 20));
  }

  /** True when the listener runs. */
  public boolean enabled() {
    return listen != null;
  }

  @Override
  public String toString() {
    return enabled()
        ? listen + " (" + action.label() + ", " + publicKeys.size() + " public keys)"
        : "off";
  }
}
