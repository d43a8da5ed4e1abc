package dev.keygate.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keygate.testing.ProxyProcess;

/** {@link ProxyForwardAuthContract} behind Debian's caddy with {@code docs/http/Caddyfile}. */
class CaddyForwardAuthTest extends ProxyForwardAuthContract {
  @Override
  ProxyProcess startProxy(int keygatePort, int upstreamPort) {
    assumeTrue(
        ProxyProcess.binary("caddy") != null,
        "caddy is not installed (apt-get install caddy; .ci/run installs it)");
    return ProxyProcess.caddy(DOCS.resolve("Caddyfile"), keygatePort, upstreamPort);
  }

  @Override
  boolean passesRateLimitOnSuccess() {
    // forward_auth copies auth response headers onto the request only
    return false;
  }
}
