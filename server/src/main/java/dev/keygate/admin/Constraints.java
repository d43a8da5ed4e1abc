package dev.keygate.admin;

import dev.keygate.access.IpAllowlist;
import dev.keygate.key.ApiKeyRecord;
import dev.keygate.key.Credits;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.Scopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a key may do, as far as the privilege model compares keys: its scopes, its expiry and its
 * own rate limits. {@link #looserFields} is the one definition of "looser" that every KeyAdmin
 * check uses.
 *
 * @param scopes granted scopes
 * @param expiresAt null = never expires
 * @param limits the key's own limits ({@link ApiKeyRecord#ownLimits()}); empty = none of its own
 * @param allowlist the key's own IP allowlist; {@link IpAllowlist#NONE} = none of its own
 * @param credits the key's credits as set; empty = unmetered
 */
public record Constraints(
    List<String> scopes,
    Instant expiresAt,
    List<KeyLimit> limits,
    IpAllowlist allowlist,
    Optional<Credits> credits) {
  /** Field names reported by {@link #looserFields}, as in the KeyAdmin API. */
  public static final String SCOPES = "scopes";

  public static final String EXPIRES_AT = "expires_at";
  public static final String LIMITS = "limits";
  public static final String ALLOWED_CIDRS = "allowed_cidrs";
  public static final String CREDITS = "credits";

  public Constraints {
    scopes = List.copyOf(scopes);
    limits = List.copyOf(limits);
    allowlist = allowlist == null ? IpAllowlist.NONE : allowlist;
    credits = credits == null ? Optional.empty() : credits;
  }

  /** Constraints without an IP allowlist or credits. */
  public Constraints(List<String> scopes, Instant expiresAt, List<KeyLimit> limits) {
    this(scopes, expiresAt, limits, IpAllowlist.NONE, Optional.empty());
  }

  /** The constraints of a stored key. */
  public static Constraints of(ApiKeyRecord key) {
    return new Constraints(
        key.scopes(), key.expiresAt(), key.ownLimits(), key.allowlist(), key.credits());
  }

  /**
   * The fields in which {@code this} is looser than {@code bound}, in the order scopes, expires_at,
   * limits; empty when it is nowhere looser. Precisely:
   *
   * <ul>
   *   <li><b>scopes</b>: some scope of this is not covered by a scope of the bound (wildcards
   *       resolved as Authorize resolves them, {@link Scopes#covers});
   *   <li><b>expires_at</b>: the bound expires and this does not, or later;
   *   <li><b>limits</b>: some limit of the bound is not matched by a limit of this that is {@link
   *       #atLeastAsTight at least as tight}. A key without limits of its own counts as unlimited
   *       (the configured default may differ between sidecars), so it is looser than any bound that
   *       has a limit.
   *   <li><b>allowed_cidrs</b>: the bound has an IP allowlist and some CIDR of this does not lie
   *       inside one of the bound's, or this has none (any address). Own lists only: a project's
   *       default is sidecar configuration, the same for both.
   *   <li><b>credits</b>: the bound is metered and this is not, or this starts from more credits
   *       than the bound was set to, or refills more per month (a daily refill counts 31 times).
   * </ul>
   */
  public List<String> looserFields(Constraints bound) {
    List<String> looser = new ArrayList<>(3);
    if (!Scopes.missing(bound.scopes, scopes).isEmpty()) {
      looser.add(SCOPES);
    }
    if (bound.expiresAt != null && (expiresAt == null || expiresAt.isAfter(bound.expiresAt))) {
      looser.add(EXPIRES_AT);
    }
    for (KeyLimit required : bound.limits) {
      if (limits.stream().noneMatch(l -> atLeastAsTight(l, required))) {
        looser.add(LIMITS);
        break;
      }
    }
    if (!allowlist.within(bound.allowlist)) {
      looser.add(ALLOWED_CIDRS);
    }
    if (bound.credits.isPresent()
        && (credits.isEmpty()
            || credits.get().amount() > bound.credits.get().amount()
            || monthlyRefill(credits.get()) > monthlyRefill(bound.credits.get()))) {
      looser.add(CREDITS);
    }
    return looser;
  }

  /** The most a refill can add in a month: a daily refill's amount 31 times, a monthly one's. */
  private static long monthlyRefill(Credits c) {
    return c.refill()
        .map(r -> r.interval() == Credits.Interval.DAILY ? r.amount() * 31 : r.amount())
        .orElse(0L);
  }

  /**
   * True if {@code limit} admits no more calls than {@code bound} in any span of time: no more
   * requests per a period at least as long, counted where it is at least as shared. A global limit
   * is counted once for every sidecar, so it is as tight as the same limit anywhere; a local one
   * admits its requests on each sidecar, and a default-scope one depends on the configuration, so
   * either only matches a limit of its own scope.
   */
  static boolean atLeastAsTight(KeyLimit limit, KeyLimit bound) {
    boolean scope = limit.scope() == bound.scope() || limit.scope() == LimitScope.GLOBAL;
    return scope
        && limit.spec().requests() <= bound.spec().requests()
        && limit.spec().period().compareTo(bound.spec().period()) >= 0;
  }
}
