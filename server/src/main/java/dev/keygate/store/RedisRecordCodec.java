package dev.keygate.store;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyKind;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.KeyUsage;
import dev.keygate.key.RateLimitSpec;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An {@link ApiKeyRecord} as the fields of its Redis HASH ({@code ns:key:{<id>}}). Short field
 * names keep memory low: {@code p} project, {@code n} name, {@code d} description, {@code m}
 * metadata (URL-encoded {@code k=v&k2=v2}, sorted by key), {@code s} scopes (space-separated),
 * {@code k} kind, {@code px} display prefix, {@code c}/{@code u}/{@code e}/{@code r}/{@code
 * ro}/{@code pe} created/updated/expires/revoked/rotated/previous-secret-expiry epoch millis ("" =
 * none), {@code rr} revoke reason, {@code h}/{@code ph} current/previous digest (base64url, no
 * padding), {@code rl} rate limit ({@link RateLimitSpec#encode()}, "" = none), {@code lm} further
 * limits ({@link KeyLimit#encodeAll}: {@code g100/60000,l20/1000}, scope letter d/l/g for
 * default/local/global; "" or absent = none), {@code ver} version, {@code da}/{@code dr} disabled
 * epoch millis and reason ("" or absent = enabled), {@code ip} IP allowlist (space-separated CIDRs,
 * "" or absent = none), {@code cr} credits as last set ({@link Credits#encode()}, "" or absent =
 * unmetered; the balance lives apart, in {@code ns:cr:{<id>}}); and, written only by the usage
 * script, {@code ut} total, {@code ud} UTC epoch day, {@code un} count on that day, {@code lu} last
 * use millis.
 */
final class RedisRecordCodec {
  private RedisRecordCodec() {}

  /** Every record field, "" for absent optionals so a replace clears what the update cleared. */
  static void appendFields(List<String> out, ApiKeyRecord k) {
    out.addAll(
        List.of(
            "p", k.project(),
            "n", k.name(),
            "d", nullToEmpty(k.description()),
            "m", encodeMetadata(k.metadata()),
            "s", String.join(" ", k.scopes()),
            "k", k.kind().label(),
            "px", k.prefix(),
            "c", millis(k.createdAt()),
            "u", millis(k.updatedAt()),
            "e", millis(k.expiresAt()),
            "r", millis(k.revokedAt()),
            "rr", nullToEmpty(k.revokeReason()),
            "h", bytes(k.digest()),
            "ph", bytes(k.previousDigest()),
            "pe", millis(k.previousExpiresAt()),
            "ro", millis(k.rotatedAt()),
            "rl", k.rateLimit() == null ? "" : k.rateLimit().encode(),
            "lm", KeyLimit.encodeAll(k.limits()),
            "ver", Long.toString(k.version())));
    // access controls (issue 13): disabled time and reason, "" = enabled
    out.addAll(List.of("da", millis(k.disabledAt()), "dr", k.disableReason()));
    out.addAll(List.of("ip", k.allowlist().encode()));
    // credits (issue 13): how they were last set and refill; "" = unmetered. The balance is kept
    // apart, in ns:cr:{<id>}, so that rewriting the record never touches it
    out.addAll(List.of("cr", k.credits().map(Credits::encode).orElse("")));
  }

  /** The record in {@code h}; empty when {@code h} is not one (missing, or made by hand). */
  static Optional<ApiKeyRecord> decode(String id, Map<String, String> h) {
    // a hash without its identity fields is not a record (e.g. created by hand)
    if (h == null || h.isEmpty() || !h.containsKey("ver") || !h.containsKey("p")) {
      return Optional.empty();
    }
    KeyUsage usage = KeyUsage.NONE;
    if (h.containsKey("ut")) {
      String day = h.getOrDefault("ud", "");
      usage =
          new KeyUsage(
              Long.parseLong(h.get("ut")),
              day.isEmpty() ? null : LocalDate.ofEpochDay(Long.parseLong(day)),
              Long.parseLong(h.getOrDefault("un", "0")),
              instant(h.get("lu")));
    }
    String rateLimit = h.getOrDefault("rl", "");
    String scopes = h.getOrDefault("s", "");
    return Optional.of(
        new ApiKeyRecord.Builder()
            .id(id)
            .project(h.get("p"))
            .name(h.getOrDefault("n", ""))
            .description(h.getOrDefault("d", ""))
            .metadata(decodeMetadata(h.getOrDefault("m", "")))
            .scopes(scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")))
            .kind(
                KeyKind.fromLabel(h.getOrDefault("k", ""))
                    .orElseThrow(
                        () -> new IllegalStateException("key " + id + " has no valid kind")))
            .prefix(h.getOrDefault("px", ""))
            .createdAt(instant(h.get("c")))
            .updatedAt(instant(h.get("u")))
            .expiresAt(instant(h.get("e")))
            .revokedAt(instant(h.get("r")))
            .revokeReason(h.getOrDefault("rr", ""))
            .digest(bytes(h.get("h")))
            .previousDigest(bytes(h.get("ph")))
            .previousExpiresAt(instant(h.get("pe")))
            .rotatedAt(instant(h.get("ro")))
            .rateLimit(rateLimit.isEmpty() ? null : RateLimitSpec.decode(rateLimit))
            // absent in records written before per-limit scopes existed: no further limits
            .limits(KeyLimit.decodeAll(h.getOrDefault("lm", "")))
            .version(Long.parseLong(h.get("ver")))
            .usage(usage)
            // absent in records written before disable existed: enabled
            .disabledAt(instant(h.get("da")))
            .disableReason(h.getOrDefault("dr", ""))
            .allowlist(IpAllowlist.decode(h.get("ip")))
            // absent in records written before credits existed: unmetered
            .credits(
                h.getOrDefault("cr", "").isEmpty()
                    ? Optional.empty()
                    : Optional.of(Credits.decode(h.get("cr"))))
            .build());
  }

  /** {@code k=v&k2=v2}, URL-encoded UTF-8, sorted by key so equal maps store equal strings. */
  static String encodeMetadata(Map<String, String> metadata) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  static Map<String, String> decodeMetadata(String encoded) {
    Map<String, String> metadata = new LinkedHashMap<>();
    if (encoded.isEmpty()) {
      return metadata;
    }
    for (String pair : encoded.split("&", -1)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      metadata.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return metadata;
  }

  /** The score of a key in its project's active set: its expiry, {@code +inf}, "" if revoked. */
  static String activeScore(ApiKeyRecord key) {
    if (key.isRevoked()) {
      return "";
    }
    return key.expiresAt() == null ? "+inf" : Long.toString(key.expiresAt().toEpochMilli());
  }

  private static String millis(Instant t) {
    return t == null ? "" : Long.toString(t.toEpochMilli());
  }

  private static Instant instant(String millis) {
    return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
  }

  private static String bytes(byte[] b) {
    return b == null ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] bytes(String s) {
    return s == null || s.isEmpty() ? null : Base64.getUrlDecoder().decode(s);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
