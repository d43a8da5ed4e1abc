// Assertions every rendering of the chart must satisfy.
import assert from 'node:assert/strict';
import { podSpecs } from './k8s.mjs';

// Variables whose value is a secret (or may hold one): only ever from a Secret
const SECRET_ENV = /PEPPER|TOKEN|PASSWORD|SECRET|CREDENTIAL|REDISCLI_AUTH/;

/** Containers: non-root, read-only root fs, no privilege escalation, ALL capabilities dropped. */
export function assertHardened(objects) {
  const pods = podSpecs(objects);
  for (const { owner, spec } of pods) {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const where = `${owner} container ${c.name}`;
      const sc = c.securityContext ?? {};
      assert.equal(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
      const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
      if (uid !== undefined) assert.ok(uid > 0, `${where}: runAsUser ${uid}`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${where}: capabilities.drop`);
      assert.equal(sc.capabilities?.add, undefined, `${where}: capabilities.add`);
      assert.notEqual(sc.privileged, true, `${where}: privileged`);
      assert.ok(c.resources?.requests && c.resources?.limits?.memory, `${where}: resources`);
    }
  }
  return pods.length;
}

/** Secrets reach containers only through secretKeyRef, never as plain values. */
export function assertSecretsOnlyViaSecretKeyRef(objects) {
  for (const { owner, spec } of podSpecs(objects)) {
    for (const c of spec.containers) {
      assert.equal(c.envFrom, undefined, `${owner}/${c.name}: envFrom would hide where secrets come from`);
      for (const e of c.env ?? []) {
        if (e.valueFrom) {
          assert.deepEqual(Object.keys(e.valueFrom), ['secretKeyRef'], `${owner}/${c.name} ${e.name}`);
        }
        if (SECRET_ENV.test(e.name) || e.name === 'KEYGATE_REDIS_URL') {
          if (e.value !== undefined) {
            // a Redis URL may be plain only when it carries no credentials
            assert.equal(e.name, 'KEYGATE_REDIS_URL', `${owner}/${c.name}: ${e.name} as a plain value`);
            assert.ok(!e.value.includes('@'), `${owner}/${c.name}: credentials in KEYGATE_REDIS_URL`);
          } else {
            assert.ok(e.valueFrom?.secretKeyRef?.name && e.valueFrom.secretKeyRef.key, `${owner}/${c.name} ${e.name}`);
          }
        }
      }
    }
  }
}

/** The keygate containers: gRPC readiness ("") and liveness ("liveness") probes on keygate's port. */
export function keygateContainers(objects, port) {
  const found = [];
  for (const { owner, spec } of podSpecs(objects)) {
    for (const c of spec.containers.filter((x) => x.name === 'keygate')) {
      assert.deepEqual(c.readinessProbe.grpc, { port, service: '' }, `${owner}: readiness probe`);
      assert.deepEqual(c.livenessProbe.grpc, { port, service: 'liveness' }, `${owner}: liveness probe`);
      assert.equal(c.readinessProbe.httpGet ?? c.readinessProbe.exec ?? c.readinessProbe.tcpSocket, undefined);
      assert.ok(c.ports.some((p) => p.containerPort === port), `${owner}: port ${port}`);
      // read-only root fs: the JVM and Netty need a writable /tmp
      const tmp = c.volumeMounts.find((m) => m.mountPath === '/tmp');
      assert.ok(tmp && spec.volumes.some((v) => v.name === tmp.name && v.emptyDir), `${owner}: /tmp emptyDir`);
      found.push({ owner, container: c, spec });
    }
  }
  return found;
}

export const env = (container) => Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
