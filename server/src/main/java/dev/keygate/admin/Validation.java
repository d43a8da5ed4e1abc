package dev.keygate.admin;

import dev.keygate.error.FieldViolation;
import dev.keygate.error.KeygateException;
import dev.keygate.key.KeyLimit;
import dev.keygate.key.LimitScope;
import dev.keygate.key.RateLimitSpec;
import dev.keygate.key.Scopes;
import dev.keygate.ratelimit.LimitEvaluator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects field violations for admin requests and throws them all at once, so a caller fixes every
 * problem in one round. Bounds are the ones documented in the .proto files.
 */
final class Validation {
  static final int MAX_NAME = 128;
  static final int MAX_DESCRIPTION = 1024;
  static final int MAX_METADATA_ENTRIES = 32;
  static final int MAX_METADATA_KEY = 64;
  static final int MAX_METADATA_VALUE = 256;
  static final int MAX_SCOPES = 32;
  static final int MAX_REASON = 256;
  static final int MAX_PAGE_TOKEN = 256;

  /** Most update_mask paths: seven fields are updatable, a few repeats or typos are tolerated. */
  static final int MAX_MASK_PATHS = 16;

  /** Longest piece of caller input echoed in a violation, so error trailers stay small. */
  private static final int MAX_ECHO = 64;

  private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern KEY_ID = Pattern.compile("[0-9A-Za-z]{12}");

  private final List<FieldViolation> violations = new ArrayList<>();

  static boolean isProject(String project) {
    return project != null && PROJECT.matcher(project).matches();
  }

  static boolean isKeyId(String id) {
    return id != null && KEY_ID.matcher(id).matches();
  }

  void project(String field, String project) {
    check(
        project != null && PROJECT.matcher(project).matches(),
        field,
        "must be 1-64 characters of [a-z0-9_-], starting with a letter or digit");
  }

  void name(String field, String name) {
    check(
        name != null && !name.isBlank() && name.length() <= MAX_NAME,
        field,
        "must be 1-" + MAX_NAME + " characters, not blank");
  }

  void description(String field, String description) {
    check(
        description == null || description.length() <= MAX_DESCRIPTION,
        field,
        "must be at most " + MAX_DESCRIPTION + " characters");
  }

  void metadata(String field, Map<String, String> metadata) {
    check(
        metadata.size() <= MAX_METADATA_ENTRIES,
        field,
        "must have at most " + MAX_METADATA_ENTRIES + " entries");
    // entries beyond the maximum are not inspected: one violation says enough, and a flood of
    // entries must not become a flood of violations in the error's trailers
    metadata.entrySet().stream()
        .limit(MAX_METADATA_ENTRIES)
        .forEach(
            e -> {
              String k = e.getKey();
              check(
                  !k.isEmpty() && k.length() <= MAX_METADATA_KEY,
                  field,
                  "keys must be 1-" + MAX_METADATA_KEY + " characters");
              check(
                  e.getValue().length() <= MAX_METADATA_VALUE,
                  field + "[" + abbreviate(k) + "]",
                  "must be at most " + MAX_METADATA_VALUE + " characters");
            });
  }

  void scopes(String field, List<String> scopes) {
    check(
        !scopes.isEmpty() && scopes.size() <= MAX_SCOPES,
        field,
        "must hold 1-" + MAX_SCOPES + " scopes");
    var seen = new HashSet<String>();
    for (int i = 0; i < scopes.size() && i < MAX_SCOPES; i++) {
      String scope = scopes.get(i);
      String at = field + "[" + i + "]";
      Scopes.validate(scope).ifPresent(problem -> violations.add(new FieldViolation(at, problem)));
      check(seen.add(scope), at, "repeats an earlier scope");
    }
  }

  void expiry(String field, Instant expiresAt, Instant now) {
    check(expiresAt == null || expiresAt.isAfter(now), field, "must be in the future");
  }

  void requestId(String field, String requestId) {
    check(
        requestId == null || requestId.isEmpty() || REQUEST_ID.matcher(requestId).matches(),
        field,
        "must be 1-128 characters of [A-Za-z0-9._:-]");
  }

  void keyId(String field, String id) {
    check(id != null && KEY_ID.matcher(id).matches(), field, "must be a 12-character key id");
  }

  void pageToken(String field, String token) {
    check(
        token == null || token.length() <= MAX_PAGE_TOKEN,
        field,
        "must be at most " + MAX_PAGE_TOKEN + " characters");
  }

  /** The mask's paths: at least one, at most {@link #MAX_MASK_PATHS}, each updatable. */
  void updateMask(String field, Collection<String> paths, Set<String> updatable) {
    check(!paths.isEmpty(), field, "must name at least one field");
    check(paths.size() <= MAX_MASK_PATHS, field, "must name at most " + MAX_MASK_PATHS + " fields");
    paths.stream()
        .filter(p -> !updatable.contains(p))
        .limit(MAX_MASK_PATHS)
        .forEach(
            p ->
                violations.add(
                    new FieldViolation(
                        field,
                        "'"
                            + abbreviate(p)
                            + "' cannot be updated; "
                            + "updatable: "
                            + String.join(", ", updatable.stream().sorted().toList()))));
  }

  /**
   * A key's limits: the single {@code rateLimit} (default scope, may be null) and the further
   * {@code limits}: at most {@link LimitEvaluator#MAX_KEY_LIMITS} together, no two with the same
   * period and scope (one of them would be redundant or contradict the other).
   */
  void limits(String field, RateLimitSpec rateLimit, List<KeyLimit> limits) {
    int total = limits.size() + (rateLimit == null ? 0 : 1);
    check(
        total <= LimitEvaluator.MAX_KEY_LIMITS,
        field,
        "must hold at most " + LimitEvaluator.MAX_KEY_LIMITS + " limits (rate_limit included)");
    var seen = new HashSet<String>();
    if (rateLimit != null) {
      seen.add(LimitScope.DEFAULT + "/" + rateLimit.period());
    }
    for (int i = 0; i < limits.size() && i < LimitEvaluator.MAX_KEY_LIMITS; i++) {
      KeyLimit l = limits.get(i);
      check(
          seen.add(l.scope() + "/" + l.spec().period()),
          field + "[" + i + "]",
          "repeats the period and scope of an earlier limit (or of rate_limit)");
    }
  }

  void reason(String field, String reason) {
    check(reason.length() <= MAX_REASON, field, "must be at most " + MAX_REASON + " characters");
  }

  void check(boolean ok, String field, String description) {
    if (!ok) {
      violations.add(new FieldViolation(field, description));
    }
  }

  /** Throws INVALID_ARGUMENT listing every violation found, if any. */
  void throwIfInvalid() {
    if (!violations.isEmpty()) {
      throw KeygateException.invalid(violations);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "…";
  }
}
