package dev.keygate.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keygate.testing.ProxyProcess;

/** {@link ProxyForwardAuthContract} behind Debian's nginx with {@code docs/http/nginx.conf}. */
class NginxForwardAuthTest extends ProxyForwardAuthContract {
  @Override
  ProxyProcess startProxy(int keygatePort, int upstreamPort) {
    assumeTrue(
        ProxyProcess.binary("nginx") != null,
        "nginx is not installed (apt-get install nginx; .ci/run installs it)");
    return ProxyProcess.nginx(DOCS.resolve("nginx.conf"), keygatePort, upstreamPort);
  }

  @Override
  boolean passesRateLimitOnSuccess() {
    return true;
  }
}
