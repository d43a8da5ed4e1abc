package dev.keygate.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature (https://www.standardwebhooks.com): {@code v1,<base64
 * HMAC-SHA256(key, id + "." + timestamp + "." + body)>} in the {@code webhook-signature} header,
 * beside {@code webhook-id} and {@code webhook-timestamp} (epoch seconds). docs/webhooks.md shows a
 * receiver's check.
 */
public final class WebhookSignature {
  private WebhookSignature() {}

  /** The {@code webhook-signature} header value for one delivery. */
  public static String sign(byte[] key, String id, long timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(key, id, timestamp, body));
  }

  /**
   * A receiver's check: true if one of the space-separated signatures of {@code header} is the
   * {@code v1} signature of this delivery; compared in constant time.
   */
  public static boolean verify(byte[] key, String id, long timestamp, byte[] body, String header) {
    byte[] expected = mac(key, id, timestamp, body);
    boolean match = false;
    for (String candidate : header.split(" ")) {
      if (!candidate.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      match |= MessageDigest.isEqual(expected, given);
    }
    return match;
  }

  private static byte[] mac(byte[] key, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
