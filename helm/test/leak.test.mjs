// The leaked-key endpoint (docs/leaked-keys.md) in the chart: nothing of it by default; with
// leak.enabled the listener, the keys file from a ConfigMap mounted read-only, the ports, and a
// NetworkPolicy rule for them, in the standalone Deployment and in an app chart's sidecar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHART, buildExample, render } from './lib/helm.mjs';
import { byKind, one, validate } from './lib/k8s.mjs';
import { env, keygateContainers } from './lib/assertions.mjs';

const ON = ['leak.enabled=true', 'leak.publicKeysConfigMap=github-secret-scanning'];

test('off by default: no leak variable, port, volume or Service port', () => {
  const objects = render(CHART);
  const [{ container, spec }] = keygateContainers(objects, 7070);
  assert.deepEqual(Object.keys(env(container)).filter((n) => n.startsWith('KEYGATE_LEAK_')), []);
  assert.equal(container.ports.find((p) => p.name === 'keygate-leak'), undefined);
  assert.equal(spec.volumes.find((v) => v.name === 'keygate-leak-keys'), undefined);
  assert.deepEqual(one(objects, 'Service').spec.ports.map((p) => p.name), ['grpc']);
});

test('enabled: listener, keys file from the ConfigMap (read-only), container and Service ports', async () => {
  const objects = render(CHART, {
    set: [...ON, 'leak.port=7443', 'leak.action=disable', 'leak.publicKeysKey=keys.json'],
  });
  for (const o of objects) await validate(o);
  const [{ container, spec }] = keygateContainers(objects, 7070);
  const e = env(container);
  assert.equal(e.KEYGATE_LEAK_LISTEN.value, '0.0.0.0:7443');
  assert.equal(e.KEYGATE_LEAK_ACTION.value, 'disable');
  assert.equal(e.KEYGATE_LEAK_PUBLIC_KEYS_FILE.value, '/etc/keygate/leak/keys.json');
  assert.deepEqual(container.ports.find((p) => p.name === 'keygate-leak'),
    { name: 'keygate-leak', containerPort: 7443, protocol: 'TCP' });
  const mount = container.volumeMounts.find((m) => m.name === 'keygate-leak-keys');
  assert.deepEqual(mount, { name: 'keygate-leak-keys', mountPath: '/etc/keygate/leak', readOnly: true });
  assert.deepEqual(spec.volumes.find((v) => v.name === 'keygate-leak-keys').configMap, {
    name: 'github-secret-scanning',
    items: [{ key: 'keys.json', path: 'keys.json' }],
  });
  assert.deepEqual(one(objects, 'Service').spec.ports.find((p) => p.name === 'leak'),
    { name: 'leak', port: 7443, targetPort: 'keygate-leak', protocol: 'TCP' });
});

test("without an action, keygate's own default (revoke) stays", () => {
  const [{ container }] = keygateContainers(render(CHART, { set: ON }), 7070);
  assert.equal(env(container).KEYGATE_LEAK_ACTION, undefined);
  assert.equal(env(container).KEYGATE_LEAK_PUBLIC_KEYS_FILE.value,
    '/etc/keygate/leak/secret_scanning.json');
});

test('the NetworkPolicy admits the leak port from leakFrom (any source when empty)', async () => {
  const rules = (set) => one(render(CHART, { set: ['standalone.networkPolicy.enabled=true', ...set] }),
    'NetworkPolicy').spec.ingress;
  assert.equal(rules([]).length, 1, 'without leak.enabled only the gRPC rule');
  const open = rules(ON);
  assert.equal(open.length, 2);
  assert.deepEqual(open[1].ports, [{ port: 7073, protocol: 'TCP' }]);
  assert.deepEqual(open[1].from, [], 'any source: the endpoint checks GitHub\'s signature');
  const narrow = rules([...ON, 'standalone.networkPolicy.leakFrom[0].namespaceSelector.matchLabels.name=ingress']);
  assert.deepEqual(narrow[1].from, [{ namespaceSelector: { matchLabels: { name: 'ingress' } } }]);
  assert.deepEqual(open[0].ports, [{ port: 7070, protocol: 'TCP' }], 'the gRPC rule is unchanged');
});

test('a change of the leak settings rolls the pods', () => {
  const checksum = (set) => one(render(CHART, { set }), 'Deployment')
    .spec.template.metadata.annotations['checksum/keygate-config'];
  assert.notEqual(checksum(ON), checksum([]));
  assert.notEqual(checksum([...ON, 'leak.action=disable']), checksum(ON));
});

test("an app chart's sidecar mounts the keys from the pod's volumes", () => {
  const chart = buildExample('tasks-api');
  const objs = render(chart, {
    release: 'tasks',
    set: ON.map((s) => `keygate.${s}`),
  });
  const spec = one(objs, 'Deployment').spec.template.spec;
  const keygate = spec.containers.find((c) => c.name === 'keygate');
  assert.equal(env(keygate).KEYGATE_LEAK_LISTEN.value, '0.0.0.0:7073');
  const mount = keygate.volumeMounts.find((m) => m.name === 'keygate-leak-keys');
  assert.ok(mount, 'mounted');
  assert.ok(spec.volumes.some((v) => v.name === 'keygate-leak-keys' && v.configMap?.name === 'github-secret-scanning'),
    'the volume is in the pod');
  assert.equal(byKind(objs, 'Service').flatMap((s) => s.spec.ports).find((p) => p.name === 'leak'), undefined,
    "the app's own Service is the app chart's to shape");
});
