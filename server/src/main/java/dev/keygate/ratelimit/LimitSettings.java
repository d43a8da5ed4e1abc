package dev.keygate.ratelimit;

import dev.keygate.config.ConfigException;
import dev.keygate.config.Durations;
import dev.keygate.config.EnvReader;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rate limits every key and project gets, and how global limits are counted.
 *
 * @param defaultLimit {@code KEYGATE_DEFAULT_RATE_LIMIT} like 100/1s, for keys without limits of
 *     their own; null = unlimited
 * @param global {@code KEYGATE_RATE_LIMIT_SCOPE}: {@code global} counts every limit in Redis,
 *     shared by all sidecars; {@code local} (default) counts in this process only
 * @param projectLimits {@code KEYGATE_PROJECT_RATE_LIMITS}, a quota every project gets, shared by
 *     all of its keys, e.g. {@code global:10000/1m,local:200/1s}, or per calendar day or month in
 *     UTC, e.g. {@code global:1000000/month} (default none)
 * @param lease {@code KEYGATE_RATE_LIMIT_LEASE}, most calls a sidecar takes from a global limit at
 *     once and spends locally (default 1 = no leasing); a lease is also at most 5 % of the smallest
 *     limit
 * @param leaseTtl {@code KEYGATE_RATE_LIMIT_LEASE_TTL}, how long a lease may be spent (default 1s)
 */
public record LimitSettings(
    RateLimitSpec defaultLimit,
    boolean global,
    List<KeyLimit> projectLimits,
    int lease,
    Duration leaseTtl) {
  private static final int MAX_PROJECT_LIMITS = 8;

  public LimitSettings {
    projectLimits = List.copyOf(projectLimits);
  }

  /** Reads and validates the settings; a bad one throws a ConfigException naming it. */
  public static LimitSettings fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    String scope = r.get("KEYGATE_RATE_LIMIT_SCOPE", "local");
    if (!scope.equals("local") && !scope.equals("global")) {
      throw new ConfigException("KEYGATE_RATE_LIMIT_SCOPE must be local or global");
    }
    return new LimitSettings(
        defaultLimit(r.get("KEYGATE_DEFAULT_RATE_LIMIT", "none")),
        scope.equals("global"),
        projectLimits(r.get("KEYGATE_PROJECT_RATE_LIMITS", "none")),
        r.integer("KEYGATE_RATE_LIMIT_LEASE", 1, 1, 1000),
        r.duration(
            "KEYGATE_RATE_LIMIT_LEASE_TTL", "1s", Duration.ofMillis(10), Duration.ofMinutes(1)));
  }

  private static RateLimitSpec defaultLimit(String text) {
    if (text.equals("none")) {
      return null;
    }
    String problem =
        "KEYGATE_DEFAULT_RATE_LIMIT must be none or <requests>/<period>, e.g. 100/1s, 6000/1m or"
            + " 10000/month";
    try {
      return RateLimitSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(problem + " (" + e.getMessage() + ")");
    }
  }

  /** {@code none}, or comma-separated {@code [local:|global:]<requests>/<period>}. */
  private static List<KeyLimit> projectLimits(String text) {
    if (text.equals("none")) {
      return List.of();
    }
    String problem =
        "KEYGATE_PROJECT_RATE_LIMITS must be none or comma-separated "
            + "[local:|global:]<requests>/<period>, e.g. global:10000/1m,local:200/1s,"
            + "global:1000000/month";
    List<KeyLimit> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      LimitScope scope = LimitScope.DEFAULT;
      if (p.startsWith("local:") || p.startsWith("global:")) {
        scope = p.startsWith("local:") ? LimitScope.LOCAL : LimitScope.GLOBAL;
        p = p.substring(p.indexOf(':') + 1);
      }
      try {
        KeyLimit limit = new KeyLimit(RateLimitSpec.parse(p), scope);
        if (!seen.add(scope + "/" + limit.spec().periodLabel())) {
          throw new ConfigException(problem + " (two limits with the same period and scope)");
        }
        out.add(limit);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(problem + " (" + e.getMessage() + ")");
      }
    }
    if (out.size() > MAX_PROJECT_LIMITS) {
      throw new ConfigException(problem + " (at most " + MAX_PROJECT_LIMITS + ")");
    }
    return out;
  }

  @Override
  public String toString() {
    return "defaultRateLimit="
        + (defaultLimit == null ? "none" : defaultLimit.encode())
        + ", rateLimitScope="
        + (global ? "global" : "local")
        + ", projectRateLimits="
        + (projectLimits.isEmpty() ? "none" : KeyLimit.encodeAll(projectLimits))
        + ", rateLimitLease="
        + (lease <= 1 ? "off" : lease + " for " + Durations.format(leaseTtl));
  }
}
