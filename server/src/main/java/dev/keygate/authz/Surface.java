package dev.keygate.authz;

/** Where a decision was asked for: a metric label and an audit field. */
public enum Surface {
  /** {@code keygate.v1.Authorize/Check}. */
  AUTHORIZE("authorize"),
  /** Envoy's {@code envoy.service.auth.v3.Authorization/Check}. */
  ENVOY("envoy"),
  /** The HTTP forward-auth listener (nginx, Caddy, Traefik, Envoy's HTTP ext_authz). */
  HTTP("http"),
  /** The credential of a {@code keygate.v1.KeyAdmin} call. */
  ADMIN("admin");

  private final String label;

  Surface(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
