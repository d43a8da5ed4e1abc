package dev.keygate.envoy;

import dev.keygate.authz.Authorizer;
import dev.keygate.authz.Call;
import dev.keygate.authz.Decision;
import dev.keygate.error.Reason;
import dev.keygate.ratelimit.LimitEvaluator;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What an HTTP request needs, then the decision for it: shared by every HTTP-shaped surface
 * (Envoy's gRPC ext_authz and the HTTP forward-auth listener), so a route means the same whichever
 * proxy asks. The requirement comes, first that applies, from the proxy's own per-route setting
 * (Envoy's {@code keygate_scope} context extension, a forward-auth scope header), the route table,
 * or the default.
 */
public final class RouteDecisions {
  private final Authorizer authorizer;
  private final RouteTable routes;
  private final Requirement routesDefault;

  public RouteDecisions(Authorizer authorizer, EnvoySettings settings) {
    this.authorizer = authorizer;
    this.routes = settings.routes();
    this.routesDefault = settings.routesDefault();
  }

  /**
   * The route's requirement, then the decision for it.
   *
   * @param explicit the requirement the proxy set for this route; null when it set none
   * @param explicitName what carried {@code explicit}, for the message when it is invalid
   * @param method the original request's method; null when the proxy did not say
   * @param path the original request's path without query string; null when the proxy did not say
   * @param key the presented key; null when none
   */
  public CompletionStage<Decision> decide(
      String explicit, String explicitName, String method, String path, String key, Call call) {
    Requirement requirement;
    if (explicit != null) {
      try {
        requirement = Requirement.parse(explicit);
      } catch (IllegalArgumentException e) {
        // fail closed: a broken route setting must not open the route, nor be an error that a
        // proxy's fail-open setting would turn into a pass
        return refuse(
            call,
            Reason.ROUTE_MISCONFIGURED,
            "the route's " + explicitName + " is invalid: " + e.getMessage());
      }
    } else if (!routes.isEmpty()) {
      if (method == null || path == null) {
        return refuse(
            call,
            Reason.INVALID_ARGUMENT,
            "the proxy did not pass the original request's method and path");
      }
      // Rules are matched against the path the application will serve, not the bytes the client
      // sent: matched raw, "* /admin/** deny" let /x/../admin, //admin, /%61dmin and /admin;x
      // through (no rule, or a looser one such as "GET /x/** any-key", matched them), and an
      // upstream that resolves dots, merges slashes, decodes unreserved escapes or drops
      // ;parameters then served /admin. A path with no single reading (%2F, backslashes, control
      // characters, bad escapes) is refused with 400 as a denial, never as an error that a
      // proxy's fail-open setting would turn into a pass.
      String normalized;
      try {
        normalized = PathNormalizer.normalize(path);
      } catch (PathNormalizer.RefusedPathException e) {
        return refuse(call, Reason.INVALID_ARGUMENT, e.getMessage());
      }
      requirement = routes.findNormalized(method, normalized).orElse(routesDefault);
    } else {
      requirement = routesDefault;
    }
    if (requirement instanceof Requirement.Scoped scoped) {
      return authorizer.decide(key, scoped.scopes(), call);
    }
    return refuse(call, Reason.ROUTE_DENIED, Reason.ROUTE_DENIED.summary());
  }

  /**
   * The credits a route's calls cost, from the proxy's per-route setting (Envoy's {@code
   * keygate_cost} context extension, a forward-auth cost header): 1 when unset; empty when it is
   * not a whole number from 1 to {@link LimitEvaluator#MAX_COST}.
   */
  public static OptionalInt cost(String text) {
    if (text == null) {
      return OptionalInt.of(1);
    }
    if (text.isEmpty() || text.length() > 7 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return OptionalInt.empty();
    }
    int cost = Integer.parseInt(text);
    return cost >= 1 && cost <= LimitEvaluator.MAX_COST
        ? OptionalInt.of(cost)
        : OptionalInt.empty();
  }

  /**
   * Refuses a request whose route's cost setting is invalid: fail closed, as for a broken scope
   * setting (a denial, never an error that a proxy's fail-open setting would turn into a pass).
   */
  public CompletionStage<Decision> refuseCost(Call call, String costName) {
    return refuse(
        call,
        Reason.ROUTE_MISCONFIGURED,
        "the route's " + costName + " must be a whole number from 1 to " + LimitEvaluator.MAX_COST);
  }

  /** A refusal of the route or request itself, before any key is looked at: counted, sampled. */
  private CompletionStage<Decision> refuse(Call call, Reason reason, String message) {
    Decision.Denied denied = new Decision.Denied(reason, message, Map.of(), null);
    authorizer.observeDenied(call, denied);
    return CompletableFuture.completedFuture(denied);
  }
}
