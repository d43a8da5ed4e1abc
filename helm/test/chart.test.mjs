// The keygate chart rendered by real Helm over each values file in helm/keygate/ci, validated
// against Kubernetes' schemas, and checked for the security settings it promises.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createHash } from 'node:crypto';
import { CHART, buildExample, helm, render } from './lib/helm.mjs';
import { validate, podSpecs, byKind, one } from './lib/k8s.mjs';
import { assertHardened, assertSecretsOnlyViaSecretKeyRef, keygateContainers, env } from './lib/assertions.mjs';

const ciDir = join(CHART, 'ci');
const valuesFiles = readdirSync(ciDir).filter((f) => f.endsWith('.yaml')).sort();
const ci = (name) => join(ciDir, name);

describe('every ci values file', () => {
  test('there are the five modes', () => {
    assert.deepEqual(valuesFiles, ['defaults-values.yaml', 'existing-secrets-values.yaml',
      'redis-statefulset-values.yaml', 'sidecar-envoy-values.yaml', 'standalone-networkpolicy-values.yaml']);
  });
  for (const file of valuesFiles) {
    test(`${file}: helm lint --strict passes`, () => {
      const r = helm('lint', '--strict', CHART, '-f', ci(file));
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
    test(`${file}: renders objects valid against Kubernetes' schemas, hardened, secrets via secretKeyRef`, async () => {
      const objects = render(CHART, { values: [ci(file)] });
      assert.ok(objects.length >= 2, `only ${objects.length} objects`);
      for (const o of objects) await validate(o);
      assertHardened(objects);
      assertSecretsOnlyViaSecretKeyRef(objects);
      const port = parse(readFileSync(ci(file), 'utf8'))?.port ?? 7070;
      const standalone = parse(readFileSync(ci(file), 'utf8'))?.standalone?.enabled ?? true;
      assert.equal(keygateContainers(objects, port).length, standalone ? 1 : 0);
    });
  }
});

describe('defaults', () => {
  const objects = render(CHART);

  test('standalone Deployment listens on all interfaces with a generated, kept pepper and admin token', () => {
    const d = one(objects, 'Deployment', 'kg-keygate');
    const [c] = keygateContainers(objects, 7070).map((k) => k.container);
    const e = env(c);
    assert.equal(e.KEYGATE_LISTEN.value, '0.0.0.0:7070');
    assert.equal(e.KEYGATE_REDIS_URL, undefined, 'no Redis by default: the in-memory store');
    assert.deepEqual(e.KEYGATE_PEPPER.valueFrom.secretKeyRef, { name: 'kg-keygate', key: 'pepper' });
    assert.deepEqual(e.KEYGATE_ADMIN_TOKEN.valueFrom.secretKeyRef, { name: 'kg-keygate', key: 'admin-token' });
    assert.equal(d.spec.template.spec.automountServiceAccountToken, false);
    assert.equal(d.spec.replicas, 1);

    const s = one(objects, 'Secret', 'kg-keygate');
    assert.equal(s.metadata.annotations['helm.sh/resource-policy'], 'keep');
    const pepper = Buffer.from(s.data.pepper, 'base64');
    assert.ok(pepper.length >= 32, `pepper of ${pepper.length} bytes`);
    assert.ok(Buffer.from(s.data['admin-token'], 'base64').length >= 16);
    assert.equal(s.stringData, undefined);
  });

  test('the Service and PodDisruptionBudget select the Deployment\'s pods', () => {
    const labels = one(objects, 'Deployment').spec.template.metadata.labels;
    const svc = one(objects, 'Service');
    for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(labels[k], v, k);
    assert.deepEqual(svc.spec.ports, [{ name: 'grpc', port: 7070, targetPort: 'keygate-grpc', protocol: 'TCP', appProtocol: 'grpc' }]);
    const pdb = one(objects, 'PodDisruptionBudget');
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) assert.equal(labels[k], v, k);
    assert.equal(byKind(objects, 'NetworkPolicy').length, 0);
    assert.equal(byKind(objects, 'StatefulSet').length, 0);
  });
});

describe('sidecar with Envoy', () => {
  const objects = render(CHART, { values: [ci('sidecar-envoy-values.yaml')] });
  const envoy = parse(one(objects, 'ConfigMap', 'kg-keygate-envoy').data['envoy.yaml']);

  test('renders no Deployment or Service of its own, only the Secret and the Envoy config', () => {
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Secret']);
  });

  test('Envoy config: ext_authz over gRPC V3 to keygate on loopback at keygate\'s port, HTTP/2, fail closed', () => {
    const keygate = envoy.static_resources.clusters.find((c) => c.name === 'keygate');
    const addr = keygate.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    assert.deepEqual(addr, { address: '127.0.0.1', port_value: 7070 });
    const h2 = keygate.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'];
    assert.equal(h2['@type'], 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions');
    assert.deepEqual(h2.explicit_http_config, { http2_protocol_options: {} });

    const listener = envoy.static_resources.listeners.find((l) => l.name === 'app');
    assert.deepEqual(listener.address.socket_address, { address: '0.0.0.0', port_value: 8080 });
    const hcm = listener.filter_chains[0].filters[0].typed_config;
    const names = hcm.http_filters.map((f) => f.name);
    assert.deepEqual(names, ['envoy.filters.http.ext_authz', 'envoy.filters.http.router'], 'ext_authz before the router');
    const authz = hcm.http_filters[0].typed_config;
    assert.equal(authz['@type'], 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz');
    assert.equal(authz.transport_api_version, 'V3');
    assert.equal(authz.failure_mode_allow, false);
    assert.deepEqual(authz.status_on_error, { code: 503 });
    assert.deepEqual(authz.grpc_service, { envoy_grpc: { cluster_name: 'keygate' }, timeout: '0.25s' });

    const app = envoy.static_resources.clusters.find((c) => c.name === 'app');
    assert.deepEqual(app.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address,
      { address: '127.0.0.1', port_value: 8081 });
    assert.deepEqual(envoy.admin.address.socket_address.address, '127.0.0.1', 'admin on loopback only');
  });

  test('routes carry their scope to keygate as context_extensions, public routes skip the check', () => {
    const routes = envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config
      .route_config.virtual_hosts[0].routes;
    const perRoute = routes.map((r) => [r.match.prefix, r.typed_per_filter_config['envoy.filters.http.ext_authz']]);
    assert.deepEqual(perRoute.map(([p]) => p), ['/healthz', '/admin', '/']);
    assert.equal(perRoute[0][1].disabled, true);
    assert.deepEqual(perRoute[1][1].check_settings.context_extensions, { keygate_scope: 'admin:*' });
    assert.deepEqual(perRoute[2][1].check_settings.context_extensions, { keygate_scope: 'tasks:read' });
    for (const [, cfg] of perRoute) {
      assert.equal(cfg['@type'], 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute');
    }
  });

  test('a changed keygate port moves the Envoy cluster with it', () => {
    const moved = render(CHART, { values: [ci('sidecar-envoy-values.yaml')], set: ['port=7171'] });
    const cfg = parse(one(moved, 'ConfigMap').data['envoy.yaml']);
    const keygate = cfg.static_resources.clusters.find((c) => c.name === 'keygate');
    assert.equal(keygate.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 7171);
  });
});

describe('standalone with NetworkPolicy', () => {
  const objects = render(CHART, { values: [ci('standalone-networkpolicy-values.yaml')] });

  test('the NetworkPolicy admits only the configured peers, to keygate\'s port, on the Deployment\'s pods', () => {
    const np = one(objects, 'NetworkPolicy');
    const labels = one(objects, 'Deployment').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(labels[k], v, k);
    assert.deepEqual(np.spec.policyTypes, ['Ingress']);
    assert.equal(np.spec.ingress.length, 1);
    assert.deepEqual(np.spec.ingress[0].ports, [{ port: 7443, protocol: 'TCP' }]);
    assert.deepEqual(np.spec.ingress[0].from[0].namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': 'gateway' });
  });

  test('replicas, spread, and config reach the pods as KEYGATE_* variables', () => {
    const d = one(objects, 'Deployment');
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.topologySpreadConstraints[0].topologyKey, 'topology.kubernetes.io/zone');
    const e = env(d.spec.template.spec.containers[0]);
    assert.equal(e.KEYGATE_LISTEN.value, '0.0.0.0:7443');
    assert.equal(e.KEYGATE_REDIS_URL.value, 'redis://redis.data.svc:6379/2');
    assert.equal(e.KEYGATE_ENVIRONMENT.value, 'test');
    assert.equal(e.KEYGATE_DEFAULT_RATE_LIMIT.value, '100/1s');
    assert.equal(e.KEYGATE_MAX_ACTIVE_KEYS_PER_PROJECT.value, '50');
    assert.equal(one(objects, 'Service').spec.ports[0].port, 7443);
  });

  test('default NetworkPolicy peer: pods with the client label', () => {
    const np = one(render(CHART, { set: ['standalone.networkPolicy.enabled=true'] }), 'NetworkPolicy');
    assert.deepEqual(np.spec.ingress[0].from, [{ podSelector: { matchLabels: { 'keygate-client': 'true' } } }]);
  });
});

describe('existing secrets', () => {
  const objects = render(CHART, { values: [ci('existing-secrets-values.yaml')] });

  test('the chart creates no Secret and reads pepper, admin token and Redis URL from the named ones', () => {
    assert.equal(byKind(objects, 'Secret').length, 0);
    const e = env(one(objects, 'Deployment').spec.template.spec.containers[0]);
    assert.deepEqual(e.KEYGATE_PEPPER.valueFrom.secretKeyRef, { name: 'keygate-credentials', key: 'KEYGATE_PEPPER' });
    assert.deepEqual(e.KEYGATE_ADMIN_TOKEN.valueFrom.secretKeyRef, { name: 'keygate-credentials', key: 'KEYGATE_ADMIN_TOKEN' });
    assert.deepEqual(e.KEYGATE_REDIS_URL.valueFrom.secretKeyRef, { name: 'keygate-redis', key: 'url' });
  });

  test('an image digest pins the image', () => {
    const c = one(objects, 'Deployment').spec.template.spec.containers[0];
    assert.equal(c.image, 'ghcr.io/keygate/keygate@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
  });
});

describe('Redis StatefulSet', () => {
  const objects = render(CHART, { values: [ci('redis-statefulset-values.yaml')] });

  test('one Redis with AOF on a persistent volume, password from its Secret', () => {
    const sts = one(objects, 'StatefulSet', 'kg-keygate-redis');
    assert.equal(sts.spec.replicas, 1);
    const c = sts.spec.template.spec.containers[0];
    assert.match(c.command.join(' '), /--appendonly yes/);
    assert.match(c.command.join(' '), /--requirepass "\$REDIS_PASSWORD"/);
    assert.deepEqual(env(c).REDIS_PASSWORD.valueFrom.secretKeyRef, { name: 'kg-keygate-redis', key: 'redis-password' });
    assert.deepEqual(c.volumeMounts, [{ name: 'data', mountPath: '/data' }]);
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '2Gi');
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.storageClassName, 'standard');
  });

  test('keygate reads the Redis URL from the Secret, which points at the Redis Service with the password', () => {
    const e = env(one(objects, 'Deployment').spec.template.spec.containers[0]);
    assert.deepEqual(e.KEYGATE_REDIS_URL.valueFrom.secretKeyRef, { name: 'kg-keygate-redis', key: 'redis-url' });
    assert.equal(e.KEYGATE_ADMIN_TOKEN, undefined, 'secrets.adminToken: false');
    const s = one(objects, 'Secret', 'kg-keygate-redis');
    const password = Buffer.from(s.data['redis-password'], 'base64').toString();
    assert.ok(password.length >= 32);
    assert.equal(Buffer.from(s.data['redis-url'], 'base64').toString(),
      `redis://:${password}@kg-keygate-redis.apps.svc:6379/0`);
    assert.equal(one(objects, 'Service', 'kg-keygate-redis').spec.ports[0].port, 6379);
    assert.equal(one(objects, 'Secret', 'kg-keygate').data['admin-token'], undefined);
  });
});

describe('config checksums', () => {
  const checksum = (set) => one(render(CHART, { set }), 'Deployment').spec.template.metadata.annotations['checksum/keygate-config'];

  test('the same values give the same checksum; a changed setting gives a new one, so pods roll', () => {
    const base = checksum([]);
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(checksum([]), base);
    assert.notEqual(checksum(['config.defaultRateLimit=10/1s']), base);
    assert.notEqual(checksum(['extraEnv[0].name=LOG_LEVEL', 'extraEnv[0].value=debug']), base);
    assert.notEqual(checksum(['secrets.existingSecret=other']), base);
  });

  test('the sidecar annotations carry the Envoy config checksum, which follows the routes', () => {
    // the annotations only exist in an app chart's pods: render the example that includes them
    const chart = buildExample('tasks-api');
    const pod = (set) => {
      const objs = render(chart, { release: 'tasks', set });
      return {
        ann: one(objs, 'Deployment').spec.template.metadata.annotations,
        cfg: one(objs, 'ConfigMap').data['envoy.yaml'],
      };
    };
    const sha = (text) => createHash('sha256').update(text.replace(/\n$/, '')).digest('hex');
    const base = pod([]);
    const moved = pod(['keygate.sidecar.envoy.routes[0].prefix=/other']);
    assert.notEqual(moved.cfg, base.cfg, 'the route change reaches the Envoy config');
    assert.equal(base.ann['checksum/keygate-envoy'], sha(base.cfg));
    assert.equal(moved.ann['checksum/keygate-envoy'], sha(moved.cfg));
    assert.notEqual(moved.ann['checksum/keygate-envoy'], base.ann['checksum/keygate-envoy'], 'pods roll');
    assert.equal(moved.ann['checksum/keygate-config'], base.ann['checksum/keygate-config'],
      "a route is Envoy's configuration, not keygate's");
  });
});
