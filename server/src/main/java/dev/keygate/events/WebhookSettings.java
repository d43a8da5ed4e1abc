package dev.keygate.events;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook every broadcast event is delivered to (docs/webhooks.md).
 *
 * @param endpoint {@code KEYGATE_WEBHOOK_URL} and {@code KEYGATE_WEBHOOK_SECRET} (or {@code
 *     _FILE}); empty (the default) = no webhook
 * @param retryWindow {@code KEYGATE_WEBHOOK_RETRY_WINDOW}, how long after an event it is retried
 *     before it is given up (default 24h)
 * @param backoff {@code KEYGATE_WEBHOOK_BACKOFF}, the first retry's delay, doubled on each retry
 *     (default 1s)
 * @param backoffMax {@code KEYGATE_WEBHOOK_BACKOFF_MAX}, the longest delay between retries (default
 *     10m)
 * @param timeout {@code KEYGATE_WEBHOOK_TIMEOUT}, the time one delivery attempt may take (default
 *     10s)
 * @param lease {@code KEYGATE_WEBHOOK_LEASE}, how long the delivering sidecar's lease lasts
 *     unrenewed: after it dies, another sidecar takes over within this (default 30s)
 */
public record WebhookSettings(
    Optional<Endpoint> endpoint,
    Duration retryWindow,
    Duration backoff,
    Duration backoffMax,
    Duration timeout,
    Duration lease) {

  /**
   * @param url where events are POSTed
   * @param key the HMAC-SHA256 key: the secret's bytes after its {@code whsec_} prefix, base64
   */
  public record Endpoint(URI url, byte[] key) {
    @Override
    public String toString() {
      // never the key, nor credentials in the URL
      return url.getScheme()
          + "://"
          + url.getHost()
          + (url.getPort() < 0 ? "" : ":" + url.getPort())
          + url.getRawPath();
    }
  }

  /** Webhooks off. */
  public static final WebhookSettings NONE =
      new WebhookSettings(
          Optional.empty(),
          Duration.ofHours(24),
          Duration.ofSeconds(1),
          Duration.ofMinutes(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static WebhookSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String url = r.optional("KEYGATE_WEBHOOK_URL");
    byte[] secret = r.secret("KEYGATE_WEBHOOK_SECRET", 1);
    Optional<Endpoint> endpoint = Optional.empty();
    if (url != null) {
      if (secret == null) {
        throw new ConfigException(
            "KEYGATE_WEBHOOK_URL needs KEYGATE_WEBHOOK_SECRET (or KEYGATE_WEBHOOK_SECRET_FILE): "
                + "every delivery is signed. Generate one: echo whsec_$(openssl rand -base64 32)");
      }
      endpoint = Optional.of(new Endpoint(uri(url), key(secret)));
    } else if (secret != null) {
      throw new ConfigException("KEYGATE_WEBHOOK_SECRET is set but KEYGATE_WEBHOOK_URL is not");
    }
    Duration window =
        r.duration(
            "KEYGATE_WEBHOOK_RETRY_WINDOW", "24h", Duration.ofSeconds(1), Duration.ofDays(7));
    Duration backoff =
        r.duration("KEYGATE_WEBHOOK_BACKOFF", "1s", Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration backoffMax =
        r.duration("KEYGATE_WEBHOOK_BACKOFF_MAX", "10m", Duration.ofMillis(10), Duration.ofDays(1));
    if (backoffMax.compareTo(backoff) < 0) {
      throw new ConfigException(
          "KEYGATE_WEBHOOK_BACKOFF_MAX must not be shorter than KEYGATE_WEBHOOK_BACKOFF");
    }
    Duration timeout =
        r.duration("KEYGATE_WEBHOOK_TIMEOUT", "10s", Duration.ofMillis(100), Duration.ofMinutes(1));
    Duration lease =
        r.duration("KEYGATE_WEBHOOK_LEASE", "30s", Duration.ofSeconds(1), Duration.ofMinutes(10));
    if (lease.compareTo(timeout) <= 0) {
      // an attempt must end before the lease it runs under can run out
      throw new ConfigException(
          "KEYGATE_WEBHOOK_LEASE must be longer than KEYGATE_WEBHOOK_TIMEOUT");
    }
    return new WebhookSettings(endpoint, window, backoff, backoffMax, timeout, lease);
  }

  private static URI uri(String url) {
    try {
      URI u = new URI(url);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ConfigException("KEYGATE_WEBHOOK_URL must be an http:// or https:// URL");
  }

  private static byte[] key(byte[] secret) {
    String s = new String(secret, StandardCharsets.UTF_8);
    byte[] key;
    try {
      key = s.startsWith("whsec_") ? Base64.getDecoder().decode(s.substring(6)) : new byte[0];
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length < 24 || key.length > 64) {
      // the value never appears in the message
      throw new ConfigException(
          "KEYGATE_WEBHOOK_SECRET must be whsec_ followed by 24-64 bytes in base64");
    }
    return key;
  }

  @Override
  public String toString() {
    return "webhook="
        + endpoint.map(Endpoint::toString).orElse("off")
        + ", webhookRetryWindow="
        + Durations.format(retryWindow);
  }
}
