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
 * An {@link ApiKeyRecord} as the fields of its Redis HASH ({@code ns:key:{<id>}}), in the packed
 * layout, reading the older one too.
 *
 * <p><b>Packed layout</b> (written since issue 17): what every key has is packed into two values,
 * {@code a} (kind, digest, project, scopes: what a decision reads) and {@code x} (creation time,
 * key format, name: admin reads only), see {@link PackedRecordLayout}; {@code ver} the version
 * (decimal, its own field: the scripts compare-and-set on it); and only the optional fields that
 * are present, each in its own field as before: {@code d} description, {@code m} metadata
 * (URL-encoded {@code k=v&k2=v2}, sorted by key), {@code u} updated (only when it differs from
 * created), {@code e}/{@code r}/{@code ro}/{@code pe} expires/revoked/rotated/previous-secret
 * expiry, {@code rr} revoke reason, {@code ph} previous digest (base64url, no padding), {@code rl}
 * rate limit ({@link RateLimitSpec#encode()}), {@code lm} further limits ({@link
 * KeyLimit#encodeAll}: {@code g100/60000,l20/1000}, scope letter d/l/g), {@code da}/{@code dr}
 * disabled and reason, {@code ip} IP allowlist (space-separated CIDRs), {@code cr} credits as last
 * set ({@link Credits#encode()}; the balance lives apart, in {@code ns:cr:{<id>}}). Times are epoch
 * millis. A field left out is absent: {@code replace.lua} deletes what the pairs leave out, so an
 * update that clears an optional removes its field. A typical key (name, one scope, no optionals)
 * is 3 fields, about 105 bytes of listpack, against 23 fields and ~250 bytes before.
 *
 * <p><b>Old layout</b> (before issue 17; {@code decode} still reads it): every field its own,
 * absent optionals as "": the above plus {@code p} project, {@code n} name, {@code s} scopes,
 * {@code k} kind label, {@code px} display prefix, {@code c} created, {@code h} digest (base64url).
 * It has no {@code a}. Such a record is rewritten packed by its next update ({@link RedisUpdates})
 * or by {@link RecordLayoutMigration}. The other way round does not work: a version before the
 * packed layout takes a packed record for no record and refuses the key (fails closed), so a
 * rolling upgrade should be short (docs/redis.md).
 *
 * <p>Both: {@code ut} total uses, {@code ud} UTC epoch day, {@code un} count on that day, {@code
 * lu} last use millis, written only by {@code usage.lua} and kept by every replace.
 */
final class RedisRecordCodec {
  private RedisRecordCodec() {}

  /** The record's fields in the packed layout: only those with a value. */
  static void appendFields(List<String> out, ApiKeyRecord k) {
    out.addAll(List.of("ver", Long.toString(k.version())));
    PackedRecordLayout.append(out, k);
    // stored as millis: equal to the millisecond is equal
    if (!millis(k.updatedAt()).equals(millis(k.createdAt()))) {
      out.addAll(List.of("u", millis(k.updatedAt())));
    }
    optional(out, "d", k.description());
    optional(out, "m", encodeMetadata(k.metadata()));
    optional(out, "e", millis(k.expiresAt()));
    optional(out, "r", millis(k.revokedAt()));
    optional(out, "rr", k.revokeReason());
    optional(out, "ph", base64(k.previousDigest()));
    optional(out, "pe", millis(k.previousExpiresAt()));
    optional(out, "ro", millis(k.rotatedAt()));
    optional(out, "rl", k.rateLimit() == null ? "" : k.rateLimit().encode());
    optional(out, "lm", KeyLimit.encodeAll(k.limits()));
    optional(out, "da", millis(k.disabledAt()));
    optional(out, "dr", k.disableReason());
    optional(out, "ip", k.allowlist().encode());
    optional(out, "cr", k.credits().map(Credits::encode).orElse(""));
  }

  /** True if {@code h} is a record in the packed layout. */
  static boolean isPacked(Map<String, String> h) {
    return h != null && h.containsKey("ver") && h.containsKey("a");
  }

  /**
   * The record in {@code h}, in either layout; empty when {@code h} is not one (missing, or made by
   * hand).
   *
   * @throws IllegalStateException if {@code h} claims to be a record but is malformed
   */
  static Optional<ApiKeyRecord> decode(String id, Map<String, String> h) {
    // a hash without its identity fields is not a record (e.g. created by hand)
    if (h == null || !h.containsKey("ver") || !(h.containsKey("a") || h.containsKey("p"))) {
      return Optional.empty();
    }
    PackedRecordLayout.Core core =
        h.containsKey("a") ? PackedRecordLayout.read(id, h) : oldLayoutCore(id, h);
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
    return Optional.of(
        new ApiKeyRecord.Builder()
            .id(id)
            .project(core.project())
            .name(core.name())
            .description(h.getOrDefault("d", ""))
            .metadata(decodeMetadata(h.getOrDefault("m", "")))
            .scopes(core.scopes())
            .kind(core.kind())
            .prefix(core.prefix())
            .createdAt(core.createdAt())
            // packed: absent when equal to the creation time
            .updatedAt(h.containsKey("u") ? instant(h.get("u")) : core.createdAt())
            .expiresAt(instant(h.get("e")))
            .revokedAt(instant(h.get("r")))
            .revokeReason(h.getOrDefault("rr", ""))
            .digest(core.digest())
            .previousDigest(base64(h.get("ph")))
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

  /** The core of an old-layout record: every piece in its own field. */
  private static PackedRecordLayout.Core oldLayoutCore(String id, Map<String, String> h) {
    String scopes = h.getOrDefault("s", "");
    return new PackedRecordLayout.Core(
        h.get("p"),
        KeyKind.fromLabel(h.getOrDefault("k", ""))
            .orElseThrow(() -> new IllegalStateException("key " + id + " has no valid kind")),
        base64(h.get("h")),
        scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" ")),
        h.getOrDefault("n", ""),
        h.getOrDefault("px", ""),
        instant(h.get("c")));
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

  private static void optional(List<String> out, String field, String value) {
    if (value != null && !value.isEmpty()) {
      out.addAll(List.of(field, value));
    }
  }

  private static String millis(Instant t) {
    return t == null ? "" : Long.toString(t.toEpochMilli());
  }

  static Instant instant(String millis) {
    return millis == null || millis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(millis));
  }

  /** Base64url without padding; "" for none. */
  static String base64(byte[] b) {
    return b == null ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Reverses {@link #base64(byte[])}: null for "" or none. */
  static byte[] base64(String s) {
    return s == null || s.isEmpty() ? null : Base64.getUrlDecoder().decode(s);
  }
}
