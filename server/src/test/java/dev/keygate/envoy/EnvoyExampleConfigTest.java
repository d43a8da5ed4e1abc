package dev.keygate.envoy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.keygate.config.KeygateConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The example {@code docs/envoy/envoy.yaml} is parsed as YAML and then strictly into Envoy's own v3
 * {@code Bootstrap} message (unknown fields and wrong types fail), and its wiring is checked
 * against keygate's defaults, so the example cannot rot silently.
 */
class EnvoyExampleConfigTest {
  private static final Path DOCS = docs();
  private static final String EXT_AUTHZ = "envoy.filters.http.ext_authz";

  private static Path docs() {
    // Surefire runs in the module directory; the docs live at the repository root
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("docs/envoy"))) {
        return dir.resolve("docs/envoy");
      }
    }
    throw new IllegalStateException("docs/envoy not found above " + Path.of("").toAbsolutePath());
  }

  private static Bootstrap bootstrap() throws IOException {
    Object yaml = new Yaml().load(Files.readString(DOCS.resolve("envoy.yaml")));
    JsonFormat.TypeRegistry types =
        JsonFormat.TypeRegistry.newBuilder()
            .add(
                List.of(
                    HttpConnectionManager.getDescriptor(),
                    ExtAuthz.getDescriptor(),
                    ExtAuthzPerRoute.getDescriptor(),
                    Router.getDescriptor(),
                    HttpProtocolOptions.getDescriptor(),
                    StdoutAccessLog.getDescriptor()))
            .build();
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(types).merge(new Gson().toJson(yaml), bootstrap);
    return bootstrap.build();
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(any.getTypeUrl() + " is not " + type.getSimpleName(), e);
    }
  }

  private static HttpConnectionManager connectionManager(Bootstrap b) {
    return unpack(
        b.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0).getTypedConfig(),
        HttpConnectionManager.class);
  }

  @Test
  void envoyYaml_extAuthzPointsAtKeygateOverGrpcV3BeforeTheRouter() throws IOException {
    HttpConnectionManager hcm = connectionManager(bootstrap());
    List<HttpFilter> filters = hcm.getHttpFiltersList();
    assertEquals(EXT_AUTHZ, filters.get(0).getName());
    assertEquals("envoy.filters.http.router", filters.get(filters.size() - 1).getName());
    ExtAuthz authz = unpack(filters.get(0).getTypedConfig(), ExtAuthz.class);
    assertEquals(ApiVersion.V3, authz.getTransportApiVersion());
    assertEquals("keygate", authz.getGrpcService().getEnvoyGrpc().getClusterName());
    long timeoutMs = Durations.toMillis(authz.getGrpcService().getTimeout());
    assertTrue(timeoutMs >= 100 && timeoutMs <= 1000, "ext_authz timeout " + timeoutMs + "ms");
    assertFalse(authz.getFailureModeAllow(), "the example fails closed");
    assertEquals(503, authz.getStatusOnError().getCodeValue());
  }

  @Test
  void envoyYaml_normalizesPathsAsKeygateDoes() throws IOException {
    HttpConnectionManager hcm = connectionManager(bootstrap());
    assertTrue(hcm.getNormalizePath().getValue(), "routes match the normalized path");
    assertTrue(hcm.getMergeSlashes(), "// merged, as PathNormalizer merges it");
    // PathNormalizer refuses %2F and %5C; Envoy must not forward them decoded or unchanged
    assertEquals(
        HttpConnectionManager.PathWithEscapedSlashesAction.REJECT_REQUEST,
        hcm.getPathWithEscapedSlashesAction());
  }

  @Test
  void envoyYaml_routesWithoutAuthzRemoveClientSentIdentityHeaders() throws IOException {
    List<Route> routes =
        connectionManager(bootstrap()).getRouteConfig().getVirtualHosts(0).getRoutesList();
    int unchecked = 0;
    for (Route route : routes) {
      Any perRoute = route.getTypedPerFilterConfigMap().get(EXT_AUTHZ);
      if (perRoute == null || !unpack(perRoute, ExtAuthzPerRoute.class).getDisabled()) {
        continue;
      }
      unchecked++;
      List<String> removed = route.getRequestHeadersToRemoveList();
      for (String header :
          List.of(
              EnvoyResponses.KEY_ID,
              EnvoyResponses.PROJECT,
              EnvoyResponses.SCOPES,
              EnvoyResponses.ENVIRONMENT)) {
        assertTrue(
            removed.contains(header),
            route.getMatch() + " has ext_authz off and lets a client send " + header);
      }
    }
    assertTrue(unchecked >= 1, "the example has a route without ext_authz (/healthz)");
  }

  @Test
  void envoyYaml_keygateClusterIsKeygatesDefaultListenAddressOverHttp2() throws IOException {
    KeygateConfig defaults = KeygateConfig.fromEnv(Map.of());
    Cluster keygate =
        bootstrap().getStaticResources().getClustersList().stream()
            .filter(c -> c.getName().equals("keygate"))
            .findFirst()
            .orElseThrow();
    SocketAddress address =
        keygate
            .getLoadAssignment()
            .getEndpoints(0)
            .getLbEndpoints(0)
            .getEndpoint()
            .getAddress()
            .getSocketAddress();
    assertEquals(defaults.server().listen().host(), address.getAddress());
    assertEquals(defaults.server().listen().port(), address.getPortValue());
    HttpProtocolOptions options =
        unpack(
            keygate.getTypedExtensionProtocolOptionsOrThrow(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"),
            HttpProtocolOptions.class);
    assertTrue(options.getExplicitHttpConfig().hasHttp2ProtocolOptions(), "gRPC needs HTTP/2");
  }

  @Test
  void envoyYaml_everyRouteReachesAClusterAndNamesAValidRequirementOrDisablesAuthz()
      throws IOException {
    Bootstrap b = bootstrap();
    List<String> clusters =
        b.getStaticResources().getClustersList().stream().map(Cluster::getName).toList();
    List<Route> routes = connectionManager(b).getRouteConfig().getVirtualHosts(0).getRoutesList();
    int scoped = 0;
    for (Route route : routes) {
      assertTrue(clusters.contains(route.getRoute().getCluster()), route.getMatch().toString());
      Any perRoute = route.getTypedPerFilterConfigMap().get(EXT_AUTHZ);
      if (perRoute == null) {
        continue;
      }
      ExtAuthzPerRoute settings = unpack(perRoute, ExtAuthzPerRoute.class);
      String scope =
          settings
              .getCheckSettings()
              .getContextExtensionsMap()
              .get(EnvoyAuthorizationService.SCOPE_EXTENSION);
      if (scope != null) {
        Requirement.parse(scope); // throws on a bad one
        scoped++;
      } else {
        assertTrue(settings.getDisabled(), "a per-route ext_authz without keygate_scope");
      }
    }
    assertTrue(scoped >= 3, "routes with keygate_scope: " + scoped);
  }

  @Test
  void routesTxt_isAValidRouteTable() throws IOException {
    RouteTable table = RouteTable.parse(Files.readString(DOCS.resolve("routes.txt")));
    assertEquals(
        "projects:delete", table.find("DELETE", "/v1/projects/p1").orElseThrow().toString());
    assertEquals("deny", table.find("GET", "/v1/admin/users").orElseThrow().toString());
  }
}
