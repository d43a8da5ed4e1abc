package dev.keygate.bench;

import com.google.protobuf.Duration;
import dev.keygate.api.v1.CheckRequest;
import dev.keygate.api.v1.CreateKeyRequest;
import dev.keygate.api.v1.Credits;
import dev.keygate.api.v1.LimitScope;
import dev.keygate.api.v1.RateLimit;
import dev.keygate.bench.LoadRunner.Call;
import dev.keygate.bench.LoadRunner.Result;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * (j) The cost of the access controls on a cache hit: hot keys with an IP allowlist of 8 CIDRs (the
 * client, named by {@code client_address} from the trusted loopback peer, matching only the last,
 * an IPv6 one: the longest walk) and two local limits high enough never to refuse. Measured against
 * the health-Check baseline and against plain hot keys (no allowlist, no limits), each phase right
 * after the other on the same server and channel.
 *
 * <p>(k) The cost of credits on a cache hit: hot keys with a balance no run can spend, so every
 * call is one Lua call in Redis (credits are never leased), against the same baseline and plain hot
 * keys.
 */
final class AccessScenarios {
  /** Never reached at bench rates: the limits are counted, never refuse. */
  private static final int LIMIT = 1_000_000;

  private final BenchOptions o;
  private final Target target;

  AccessScenarios(BenchOptions o, Target target) {
    this.o = o;
    this.target = target;
  }

  Map<String, Object> allowlistHits() {
    CheckRequest[] plain = new CheckRequest[o.hotKeys()];
    CheckRequest[] fenced = new CheckRequest[o.hotKeys()];
    for (int i = 0; i < o.hotKeys(); i++) {
      plain[i] = Target.checkRequest(target.createKey("plain" + i, 0).getSecret());
      String secret = target.admin().createKey(fencedKey("fenced" + i)).getSecret();
      fenced[i] =
          Target.checkRequest(secret).toBuilder().setClientAddress("2001:db8:77::15").build();
    }
    Result base =
        LoadRunner.closedLoop(target::healthCheck, o.concurrency(), o.warmup(), o.duration());
    Result plainHits =
        LoadRunner.closedLoop(randomOf(plain), o.concurrency(), o.warmup(), o.duration());
    Result fencedHits =
        LoadRunner.closedLoop(randomOf(fenced), o.concurrency(), o.warmup(), o.duration());
    Map<String, Object> out = Scenarios.compare(base, fencedHits);
    out.put("plain_hot_keys", Scenarios.summary(plainHits));
    out.put("plain_throughput_ratio", plainHits.throughput() / base.throughput());
    out.put("ratio_vs_plain", fencedHits.throughput() / plainHits.throughput());
    out.put("allowlist_cidrs", 8);
    out.put("local_limits", 2);
    return out;
  }

  Map<String, Object> creditsHits() {
    CheckRequest[] plain = new CheckRequest[o.hotKeys()];
    CheckRequest[] metered = new CheckRequest[o.hotKeys()];
    for (int i = 0; i < o.hotKeys(); i++) {
      plain[i] = Target.checkRequest(target.createKey("plainc" + i, 0).getSecret());
      CreateKeyRequest request =
          CreateKeyRequest.newBuilder()
              .setProject("credits" + i)
              .setName("bench")
              .addAllScopes(List.of("tasks:read", "tasks:write"))
              .setCredits(Credits.newBuilder().setRemaining(CREDITS))
              .build();
      metered[i] = Target.checkRequest(target.admin().createKey(request).getSecret());
    }
    Result base =
        LoadRunner.closedLoop(target::healthCheck, o.concurrency(), o.warmup(), o.duration());
    Result plainHits =
        LoadRunner.closedLoop(randomOf(plain), o.concurrency(), o.warmup(), o.duration());
    Result meteredHits =
        LoadRunner.closedLoop(randomOf(metered), o.concurrency(), o.warmup(), o.duration());
    Map<String, Object> out = Scenarios.compare(base, meteredHits);
    out.put("plain_hot_keys", Scenarios.summary(plainHits));
    out.put("plain_throughput_ratio", plainHits.throughput() / base.throughput());
    out.put("ratio_vs_plain", meteredHits.throughput() / plainHits.throughput());
    return out;
  }

  /** More than any run spends: the balance never refuses, every call is counted. */
  private static final long CREDITS = 1_000_000_000_000L;

  private static CreateKeyRequest fencedKey(String project) {
    return CreateKeyRequest.newBuilder()
        .setProject(project)
        .setName("bench")
        .addAllScopes(List.of("tasks:read", "tasks:write"))
        .addAllAllowedCidrs(
            List.of(
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "198.51.100.0/24",
                "203.0.113.0/24",
                "100.64.0.0/10",
                "2001:db8:1::/48",
                "2001:db8:77::/48"))
        .addLimits(limit(1))
        .addLimits(limit(10))
        .build();
  }

  private static RateLimit limit(long seconds) {
    return RateLimit.newBuilder()
        .setRequests(LIMIT)
        .setPeriod(Duration.newBuilder().setSeconds(seconds))
        .setScope(LimitScope.LIMIT_SCOPE_LOCAL)
        .build();
  }

  private Call randomOf(CheckRequest[] requests) {
    return () -> target.authorize(requests[ThreadLocalRandom.current().nextInt(requests.length)]);
  }
}
