package dev.keygate.admin;

import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.error.KeygateException;
import dev.keygate.key.ApiKeyRecord;
import java.util.List;

/**
 * Turns an admin credential into a {@link Caller} through the same {@link Authorizer#decide} as any
 * other call: the bootstrap admin token, or an API key needing {@code keys:write} for changes and
 * {@code keys:read} for reads. The authorizer throttles the client, compares the token in constant
 * time and counts and samples every refusal.
 */
public final class AdminAuthenticator {
  public static final String KEYS_READ = "keys:read";
  public static final String KEYS_WRITE = "keys:write";

  private final Authorizer authorizer;

  public AdminAuthenticator(Authorizer authorizer) {
    this.authorizer = authorizer;
  }

  /**
   * Runs on KeyAdmin's worker pool, which may wait: for a key the store must be read, that wait is
   * bounded by the call's deadline and the store's own limits.
   *
   * @param credential the bearer credential; null or empty if none was sent
   * @param requiredScope {@link #KEYS_READ} or {@link #KEYS_WRITE}
   * @param call a call of {@link dev.keygate.authz.Surface#ADMIN}
   * @throws KeygateException UNAUTHENTICATED / PERMISSION_DENIED / RESOURCE_EXHAUSTED / UNAVAILABLE
   */
  public Caller authenticate(String credential, String requiredScope, Call call) {
    Decision decision =
        authorizer.decide(credential, List.of(requiredScope), call).toCompletableFuture().join();
    if (decision instanceof Decision.AdminTokenAccepted) {
      return Caller.ADMIN_TOKEN;
    }
    if (decision instanceof Decision.Denied denied) {
      throw denied.toException();
    }
    ApiKeyRecord key = ((Decision.Allowed) decision).key();
    return Caller.of(key);
  }
}
