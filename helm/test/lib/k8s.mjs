// Offline validation against Kubernetes' OpenAPI schemas (npm kubernetes-models 4.x).
import assert from 'node:assert/strict';

/** Validates one object with the kubernetes-models class of its apiVersion/kind; throws if invalid. */
export async function validate(obj) {
  assert.ok(obj.apiVersion && obj.kind, `object without apiVersion/kind: ${JSON.stringify(obj).slice(0, 200)}`);
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
  const mod = await import(path);
  const Model = mod[obj.kind];
  assert.ok(Model, `no model for ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${obj.kind}/${obj.metadata?.name} is not a valid ${obj.apiVersion} ${obj.kind}: ${e.message}`);
  }
}

/** Every pod spec in the rendered objects, with the name of its owner. */
export function podSpecs(objects) {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec, template: o.spec.template }));
}

export const byKind = (objects, kind) => objects.filter((o) => o.kind === kind);
export const one = (objects, kind, name) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `expected one ${kind}${name ? ' ' + name : ''}, found ${found.length}`);
  return found[0];
};
