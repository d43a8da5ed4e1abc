{{/*
Envoy bootstrap (v3) for the sidecar: the app's listener on the pod's port with ext_authz to
keygate on loopback (gRPC over HTTP/2, fail closed), the app on loopback, and a readiness
listener. Context: {root, v}.
*/}}
{{- define "keygate.envoy.config" -}}
{{- $e := .v.sidecar.envoy -}}
admin:
  address:
    socket_address: {address: 127.0.0.1, port_value: 9901}
static_resources:
  listeners:
    - name: app
      address:
        socket_address: {address: 0.0.0.0, port_value: {{ $e.port | int }}}
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: app
                use_remote_address: true
                route_config:
                  name: app
                  virtual_hosts:
                    - name: app
                      domains: ["*"]
                      routes:
                        {{- range $e.routes }}
                        - match: {prefix: {{ .prefix | quote }}}
                          route: {cluster: app}
                          typed_per_filter_config:
                            envoy.filters.http.ext_authz:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                              {{- if eq (toString .auth) "false" }}
                              disabled: true
                              {{- else }}
                              check_settings:
                                context_extensions:
                                  keygate_scope: {{ default "" .scope | quote }}
                              {{- end }}
                        {{- end }}
                http_filters:
                  - name: envoy.filters.http.ext_authz
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
                      transport_api_version: V3
                      failure_mode_allow: false
                      status_on_error: {code: {{ $e.statusOnError | int }}}
                      grpc_service:
                        envoy_grpc: {cluster_name: keygate}
                        timeout: {{ $e.timeout }}
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
    - name: health
      address:
        socket_address: {address: 0.0.0.0, port_value: {{ $e.healthPort | int }}}
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: health
                route_config:
                  name: health
                  virtual_hosts:
                    - name: health
                      domains: ["*"]
                      routes:
                        - match: {prefix: "/"}
                          direct_response: {status: 404}
                http_filters:
                  - name: envoy.filters.http.health_check
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck
                      pass_through_mode: false
                      headers:
                        - name: ":path"
                          string_match: {exact: /ready}
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
    - name: keygate
      type: STATIC
      connect_timeout: 1s
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config:
            http2_protocol_options: {}
      load_assignment:
        cluster_name: keygate
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: {address: 127.0.0.1, port_value: {{ .v.port | int }}}
    - name: app
      type: STATIC
      connect_timeout: 1s
      load_assignment:
        cluster_name: app
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: {address: 127.0.0.1, port_value: {{ $e.upstreamPort | int }}}
{{- end -}}
