package dev.keygate.testing;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

/** Envoy ext_authz requests as Envoy sends them, for tests outside the envoy package. */
public final class EnvoyRequests {
  private EnvoyRequests() {}

  /**
   * {@code GET /tasks} from 10.1.2.3 with the key as a Bearer token; the route needs {@code scope}.
   */
  public static CheckRequest bearer(String key, String scope) {
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(
                    AttributeContext.Peer.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder().setAddress("10.1.2.3"))))
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setHttp(
                            AttributeContext.HttpRequest.newBuilder()
                                .setMethod("GET")
                                .setPath("/tasks")
                                .putHeaders(":method", "GET")
                                .putHeaders(":path", "/tasks")
                                .putHeaders("authorization", "Bearer " + key)))
                .putContextExtensions("keygate_scope", scope))
        .build();
  }
}
