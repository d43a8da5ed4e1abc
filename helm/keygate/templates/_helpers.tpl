{{/*
Most helpers take a context dict {root, v}: `root` is the top-level context (.Release, .Chart, ...)
and `v` the keygate values. Inside this chart v is .Values; when an app chart depends on keygate
(named `keygate`) and includes "keygate.sidecar", v is the app's .Values.keygate, which Helm has
already merged with this chart's defaults.
*/}}

{{/* The keygate values as JSON, for a top-level context:
     $v := include "keygate.values" . | fromJson; $ctx := dict "root" . "v" $v */}}
{{- define "keygate.values" -}}
{{- if hasKey .Values "keygate" -}}
{{- toJson .Values.keygate -}}
{{- else -}}
{{- toJson .Values -}}
{{- end -}}
{{- end -}}

{{- define "keygate.name" -}}
{{- default "keygate" .v.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped name; the same from this chart and from an app chart including the sidecar. */}}
{{- define "keygate.fullname" -}}
{{- if .v.fullnameOverride -}}
{{- .v.fullnameOverride | trunc 55 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "keygate.name" . -}}
{{- if contains $name .root.Release.Name -}}
{{- .root.Release.Name | trunc 55 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name $name | trunc 55 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "keygate.labels" -}}
helm.sh/chart: {{ printf "keygate-%s" .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: keygate
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "keygate.selectorLabels" . }}
{{- end -}}

{{- define "keygate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keygate.name" . }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "keygate.secretName" -}}
{{- default (include "keygate.fullname" .) .v.secrets.existingSecret -}}
{{- end -}}

{{- define "keygate.redisName" -}}
{{- printf "%s-redis" (include "keygate.fullname" .) -}}
{{- end -}}

{{- define "keygate.serviceAccountName" -}}
{{- if .v.serviceAccount.create -}}
{{- default (include "keygate.fullname" .) .v.serviceAccount.name -}}
{{- else -}}
{{- default "default" .v.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* keygate's release: this chart's appVersion, also when an app chart renders the sidecar. */}}
{{- define "keygate.appVersion" -}}
{{- $sub := dict -}}
{{- if and (hasKey .root.Values "keygate") .root.Subcharts -}}
{{- $sub = get .root.Subcharts "keygate" | default dict -}}
{{- end -}}
{{- if $sub -}}
{{- $sub.Chart.AppVersion -}}
{{- else -}}
{{- .root.Chart.AppVersion -}}
{{- end -}}
{{- end -}}

{{/* repository:tag or repository@digest, for an image block {repository, tag, digest}. */}}
{{- define "keygate.imageRef" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository (toString (default .appVersion .image.tag)) -}}
{{- end -}}
{{- end -}}

{{/* Whether keys live in Redis (any of the three ways). */}}
{{- define "keygate.usesRedis" -}}
{{- if or .v.redis.enabled .v.redis.existingSecret .v.redis.url -}}true{{- end -}}
{{- end -}}

{{/* Checks that values.schema.json cannot express; fails the render with a clear message. */}}
{{- define "keygate.validate" -}}
{{- $redis := .v.redis -}}
{{- $ways := 0 -}}
{{- if $redis.enabled }}{{ $ways = add1 $ways }}{{ end -}}
{{- if $redis.existingSecret }}{{ $ways = add1 $ways }}{{ end -}}
{{- if $redis.url }}{{ $ways = add1 $ways }}{{ end -}}
{{- if gt $ways 1 -}}
{{- fail "keygate: set only one of redis.enabled, redis.existingSecret and redis.url" -}}
{{- end -}}
{{- if and .v.leak.enabled (not .v.leak.publicKeysConfigMap) -}}
{{- fail "keygate: leak.enabled needs leak.publicKeysConfigMap, a ConfigMap holding GitHub's secret-scanning public keys (docs/leaked-keys.md)" -}}
{{- end -}}
{{- if and .v.standalone.enabled (gt (int .v.standalone.replicas) 1) (eq $ways 0) -}}
{{- fail "keygate: standalone.replicas > 1 needs Redis (redis.enabled, redis.existingSecret or redis.url): the in-memory store keeps keys per pod" -}}
{{- end -}}
{{- end -}}

{{/*
keygate's environment. Context: {root, v, listen}. Secrets only through secretKeyRef.
*/}}
{{- define "keygate.env" -}}
{{- $v := .v -}}
- name: KEYGATE_LISTEN
  value: {{ .listen | quote }}
- name: KEYGATE_ENVIRONMENT
  value: {{ $v.config.environment | quote }}
- name: KEYGATE_KEY_PREFIX
  value: {{ $v.config.keyPrefix | quote }}
- name: KEYGATE_REDIS_NAMESPACE
  value: {{ $v.config.redisNamespace | quote }}
- name: KEYGATE_REDIS_TIMEOUT
  value: {{ $v.config.redisTimeout | quote }}
- name: KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT
  value: {{ $v.config.maxActiveKeysPerProject | int | quote }}
- name: KEYGATE_DEFAULT_RATE_LIMIT
  value: {{ $v.config.defaultRateLimit | quote }}
- name: KEYGATE_USAGE_FLUSH_INTERVAL
  value: {{ $v.config.usageFlushInterval | quote }}
- name: KEYGATE_SHUTDOWN_GRACE
  value: {{ $v.config.shutdownGrace | quote }}
{{- if $v.redis.enabled }}
- name: KEYGATE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "keygate.redisName" . }}
      key: redis-url
{{- else if $v.redis.existingSecret }}
- name: KEYGATE_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.existingSecret }}
      key: {{ $v.redis.existingSecretKey }}
{{- else if $v.redis.url }}
- name: KEYGATE_REDIS_URL
  value: {{ $v.redis.url | quote }}
{{- end }}
- name: KEYGATE_PEPPER
  valueFrom:
    secretKeyRef:
      name: {{ include "keygate.secretName" . }}
      key: {{ $v.secrets.pepperKey }}
{{- if $v.secrets.adminToken }}
- name: KEYGATE_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "keygate.secretName" . }}
      key: {{ $v.secrets.adminTokenKey }}
{{- end }}
{{- range $name, $key := dict "KEYGATE_REDIS_FAILURE" "redisFailure" "KEYGATE_REDIS_STALE_MAX_AGE" "redisStaleMaxAge" "KEYGATE_RATE_LIMIT_SCOPE" "rateLimitScope" "KEYGATE_CACHE_MAX_KEYS" "cacheMaxKeys" "KEYGATE_CACHE_MAX_STALENESS" "cacheMaxStaleness" "KEYGATE_CACHE_NEGATIVE_TTL" "cacheNegativeTtl" "KEYGATE_AUTH_FAILURE_LIMIT" "authFailureLimit" "KEYGATE_AUTH_FAILURE_WINDOW" "authFailureWindow" "KEYGATE_TRUSTED_PROXY_HOPS" "trustedProxyHops" "KEYGATE_TRUSTED_PEERS" "trustedPeers" "KEYGATE_AUDIT_MAX_EVENTS" "auditMaxEvents" "KEYGATE_AUDIT_FAILURE_SAMPLES" "auditFailureSamples" "KEYGATE_REDIS_BREAKER_OPEN" "redisBreakerOpen" "KEYGATE_REDIS_MAX_PENDING_READS" "redisMaxPendingReads" "KEYGATE_REDIS_READ_BATCHES" "redisReadBatches" "KEYGATE_REDIS_POOL_SIZE" "redisPoolSize" "KEYGATE_REDIS_WAIT_REPLICAS" "redisWaitReplicas" "KEYGATE_REDIS_WAIT_TIMEOUT" "redisWaitTimeout" "KEYGATE_PROJECT_ALLOWLISTS" "projectAllowlists" "KEYGATE_EVENTS_EXPIRING_LEAD" "eventsExpiringLead" "KEYGATE_EVENTS_CREDITS_LOW_PERCENT" "eventsCreditsLowPercent" "KEYGATE_WEBHOOK_URL" "webhookUrl" "KEYGATE_WEBHOOK_RETRY_WINDOW" "webhookRetryWindow" "KEYGATE_IMPORT_KEY_PREFIXES" "importKeyPrefixes" "KEYGATE_REDIS_REVOKED_RETENTION" "redisRevokedRetention" }}
{{- $value := index $v.config $key }}
{{- if or (kindIs "float64" $value) (kindIs "int64" $value) (kindIs "int" $value) }}
- name: {{ $name }}
  value: {{ $value | int64 | toString | quote }}
{{- else if $value }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
{{- if $v.config.webhookSecretName }}
- name: KEYGATE_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $v.config.webhookSecretName }}
      key: {{ $v.config.webhookSecretKey }}
{{- end }}
{{- if $v.leak.enabled }}
- name: KEYGATE_LEAK_LISTEN
  value: {{ printf "0.0.0.0:%d" (int $v.leak.port) | quote }}
- name: KEYGATE_LEAK_PUBLIC_KEYS_FILE
  value: {{ printf "/etc/keygate/leak/%s" $v.leak.publicKeysKey | quote }}
{{- with $v.leak.action }}
- name: KEYGATE_LEAK_ACTION
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if $v.metrics.enabled }}
- name: KEYGATE_METRICS_LISTEN
  value: {{ printf "0.0.0.0:%d" (int $v.metrics.port) | quote }}
{{- end }}
{{- if $v.config.javaOpts }}
- name: JAVA_TOOL_OPTIONS
  value: {{ $v.config.javaOpts | quote }}
{{- end }}
{{- range $v.extraEnv }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- end -}}

{{/* The keygate container. Context: {root, v, listen, probes}. */}}
{{- define "keygate.container" -}}
{{- $v := .v -}}
- name: keygate
  image: {{ include "keygate.imageRef" (dict "image" $v.image "appVersion" (include "keygate.appVersion" .)) | quote }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  ports:
    - name: keygate-grpc
      containerPort: {{ $v.port }}
      protocol: TCP
    {{- if $v.metrics.enabled }}
    - name: metrics
      containerPort: {{ $v.metrics.port }}
      protocol: TCP
    {{- end }}
    {{- if $v.leak.enabled }}
    - name: keygate-leak
      containerPort: {{ $v.leak.port }}
      protocol: TCP
    {{- end }}
  env:
    {{- include "keygate.env" . | nindent 4 }}
  {{- if .probes }}
  readinessProbe:
    grpc:
      port: {{ $v.port }}
      service: ""
    {{- toYaml $v.probes.readiness | nindent 4 }}
  livenessProbe:
    grpc:
      port: {{ $v.port }}
      service: liveness
    {{- toYaml $v.probes.liveness | nindent 4 }}
  {{- end }}
  resources:
    {{- toYaml $v.resources | nindent 4 }}
  securityContext:
    {{- toYaml $v.securityContext | nindent 4 }}
  volumeMounts:
    - name: keygate-tmp
      mountPath: /tmp
    {{- if $v.leak.enabled }}
    - name: keygate-leak-keys
      mountPath: /etc/keygate/leak
      readOnly: true
    {{- end }}
{{- end -}}

{{/* The volume of GitHub's secret-scanning public keys, when leak.enabled. Context: {root, v}. */}}
{{- define "keygate.leakVolume" -}}
{{- if .v.leak.enabled }}
- name: keygate-leak-keys
  configMap:
    name: {{ .v.leak.publicKeysConfigMap }}
    items:
      - key: {{ .v.leak.publicKeysKey }}
        path: {{ .v.leak.publicKeysKey }}
{{- end }}
{{- end -}}

{{/* Non-secret configuration whose change must roll the pods. Context: {root, v}. */}}
{{- define "keygate.configChecksum" -}}
{{- $cfg := dict "config" .v.config "extraEnv" .v.extraEnv "port" .v.port "image" .v.image "leak" .v.leak
      "redis" (dict "url" .v.redis.url "existingSecret" .v.redis.existingSecret "existingSecretKey" .v.redis.existingSecretKey "enabled" .v.redis.enabled)
      "secrets" .v.secrets -}}
{{- toJson $cfg | sha256sum -}}
{{- end -}}
