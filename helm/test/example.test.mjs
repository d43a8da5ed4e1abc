// The worked example (helm/examples/tasks-api): an app chart that adds keygate and Envoy to its
// pods with the sidecar templates, rendered with its keygate dependency built by real Helm.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { buildExample, helm, render } from './lib/helm.mjs';
import { validate, one } from './lib/k8s.mjs';
import { assertHardened, assertSecretsOnlyViaSecretKeyRef, keygateContainers, env } from './lib/assertions.mjs';

describe('example app chart tasks-api', () => {
  let chart;
  let objects;
  before(() => {
    chart = buildExample('tasks-api');
    objects = render(chart, { release: 'tasks' });
  });

  test('helm lint --strict passes and every object is valid against Kubernetes\' schemas', async () => {
    const r = helm('lint', '--strict', chart);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const o of objects) await validate(o);
    assert.equal(objects.filter((o) => o.kind === 'Deployment').length, 1, 'no standalone keygate');
    assertHardened(objects);
    assertSecretsOnlyViaSecretKeyRef(objects);
  });

  test('the app\'s pods get keygate (gRPC probes, all interfaces) and Envoy beside the app', () => {
    const pod = one(objects, 'Deployment', 'tasks-tasks-api').spec.template.spec;
    assert.deepEqual(pod.containers.map((c) => c.name), ['app', 'keygate', 'envoy']);
    const [{ container }] = keygateContainers(objects, 7070);
    assert.equal(env(container).KEYGATE_LISTEN.value, '0.0.0.0:7070');
    assert.equal(container.image, 'ghcr.io/keygate/keygate:0.1.0', "keygate's appVersion, not the app's");
    assert.deepEqual(env(container).KEYGATE_REDIS_URL.valueFrom.secretKeyRef, { name: 'tasks-redis', key: 'redis-url' });
    const envoy = pod.containers.find((c) => c.name === 'envoy');
    assert.deepEqual(envoy.readinessProbe.httpGet, { path: '/ready', port: 9902 });
  });

  test('what the sidecar references is rendered by the keygate dependency: Secret and Envoy ConfigMap', () => {
    const pod = one(objects, 'Deployment').spec.template.spec;
    const secretRefs = pod.containers.flatMap((c) => c.env ?? []).map((e) => e.valueFrom?.secretKeyRef)
      .filter((r) => r && r.name !== 'tasks-redis');
    assert.ok(secretRefs.length >= 2);
    for (const ref of secretRefs) {
      const s = one(objects, 'Secret', ref.name);
      assert.ok(s.data[ref.key], `Secret ${ref.name} has no key ${ref.key}`);
    }
    const volume = pod.volumes.find((v) => v.name === 'keygate-envoy-config');
    const cm = one(objects, 'ConfigMap', volume.configMap.name);
    const mount = pod.containers.find((c) => c.name === 'envoy').volumeMounts[0];
    assert.equal(mount.mountPath, '/etc/envoy');
    assert.ok(cm.data['envoy.yaml'], 'envoy.yaml in the ConfigMap');
  });

  test('Envoy sends every request to keygate on its port and forwards to the app\'s loopback port', () => {
    const pod = one(objects, 'Deployment').spec.template.spec;
    const cfg = parse(one(objects, 'ConfigMap').data['envoy.yaml']);
    const keygatePort = pod.containers.find((c) => c.name === 'keygate').ports[0].containerPort;
    const cluster = (name) => cfg.static_resources.clusters.find((c) => c.name === name)
      .load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
    assert.deepEqual(cluster('keygate'), { address: '127.0.0.1', port_value: keygatePort });
    const appArgs = pod.containers.find((c) => c.name === 'app').args;
    assert.ok(appArgs.includes(`-listen=127.0.0.1:${cluster('app').port_value}`), appArgs.join(' '));
    const routes = cfg.static_resources.listeners[0].filter_chains[0].filters[0].typed_config
      .route_config.virtual_hosts[0].routes;
    assert.deepEqual(routes.map((r) => r.typed_per_filter_config['envoy.filters.http.ext_authz'].check_settings?.context_extensions?.keygate_scope),
      [undefined, 'tasks:*', 'tasks:read']);
  });

  test('the Service reaches Envoy, and the NetworkPolicy opens only Envoy\'s port', () => {
    const pod = one(objects, 'Deployment').spec.template.spec;
    const envoy = pod.containers.find((c) => c.name === 'envoy');
    const svc = one(objects, 'Service');
    const target = envoy.ports.find((p) => p.name === svc.spec.ports[0].targetPort);
    assert.equal(target?.containerPort, 8080);
    const np = one(objects, 'NetworkPolicy');
    assert.deepEqual(np.spec.ingress, [{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('the pod\'s checksum annotation is the SHA-256 of the Envoy config it mounts', () => {
    const ann = one(objects, 'Deployment').spec.template.metadata.annotations;
    const cfg = one(objects, 'ConfigMap').data['envoy.yaml'];
    assert.equal(ann['checksum/keygate-envoy'], createHash('sha256').update(cfg.replace(/\n$/, '')).digest('hex'));
    assert.match(ann['checksum/keygate-config'], /^[0-9a-f]{64}$/);
  });
});
