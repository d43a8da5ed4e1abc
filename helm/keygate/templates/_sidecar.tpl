{{/*
Sidecar templates for an app chart that depends on keygate (dependency name `keygate`). In the
app's Deployment pod template:

  metadata:
    annotations:
      {{- include "keygate.sidecar.annotations" . | nindent 8 }}
  spec:
    containers:
      - name: app
        ...                                  # with Envoy: listen on 127.0.0.1:<envoy.upstreamPort>
      {{- include "keygate.sidecar" . | nindent 6 }}
    volumes:
      {{- include "keygate.sidecar.volumes" . | nindent 6 }}
*/}}

{{/* The keygate container, plus Envoy when keygate.sidecar.envoy.enabled. */}}
{{- define "keygate.sidecar" -}}
{{- $v := include "keygate.values" . | fromJson -}}
{{- $ctx := dict "root" . "v" $v -}}
{{- include "keygate.validate" $ctx -}}
{{- $listen := printf "%s:%d" (ternary "0.0.0.0" "127.0.0.1" $v.sidecar.probes) (int $v.port) -}}
{{- include "keygate.container" (dict "root" . "v" $v "listen" $listen "probes" $v.sidecar.probes) }}
{{- if $v.sidecar.envoy.enabled }}
{{- $e := $v.sidecar.envoy }}
- name: envoy
  image: {{ include "keygate.imageRef" (dict "image" $e.image "appVersion" "") | quote }}
  imagePullPolicy: {{ $e.image.pullPolicy }}
  args: ["-c", "/etc/envoy/envoy.yaml", "--log-level", "info"]
  ports:
    - name: http
      containerPort: {{ $e.port }}
      protocol: TCP
    - name: envoy-health
      containerPort: {{ $e.healthPort }}
      protocol: TCP
  readinessProbe:
    httpGet:
      path: /ready
      port: {{ $e.healthPort }}
    periodSeconds: 5
    failureThreshold: 2
  livenessProbe:
    tcpSocket:
      port: {{ $e.healthPort }}
    initialDelaySeconds: 5
    periodSeconds: 10
  resources:
    {{- toYaml $e.resources | nindent 4 }}
  securityContext:
    {{- toYaml $e.securityContext | nindent 4 }}
  volumeMounts:
    - name: keygate-envoy-config
      mountPath: /etc/envoy
      readOnly: true
{{- end }}
{{- end -}}

{{/* The volumes the sidecar containers mount. */}}
{{- define "keygate.sidecar.volumes" -}}
{{- $v := include "keygate.values" . | fromJson -}}
{{- $ctx := dict "root" . "v" $v -}}
- name: keygate-tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
{{- include "keygate.leakVolume" $ctx }}
{{- if $v.sidecar.envoy.enabled }}
- name: keygate-envoy-config
  configMap:
    name: {{ printf "%s-envoy" (include "keygate.fullname" $ctx) }}
{{- end }}
{{- end -}}

{{/* Pod annotations: checksums of keygate's and Envoy's configuration, so pods roll on change. */}}
{{- define "keygate.sidecar.annotations" -}}
{{- $v := include "keygate.values" . | fromJson -}}
{{- $ctx := dict "root" . "v" $v -}}
checksum/keygate-config: {{ include "keygate.configChecksum" $ctx }}
{{- if $v.sidecar.envoy.enabled }}
checksum/keygate-envoy: {{ include "keygate.envoy.config" $ctx | sha256sum }}
{{- end }}
{{- end -}}

{{/* The port clients should reach: Envoy's with Envoy, else none (the app's own). */}}
{{- define "keygate.sidecar.port" -}}
{{- $v := include "keygate.values" . | fromJson -}}
{{- if $v.sidecar.envoy.enabled }}{{ $v.sidecar.envoy.port | int }}{{ end -}}
{{- end -}}
