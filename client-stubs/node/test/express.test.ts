/**
 * End to end: keygateExpress protecting a real Express app on a loopback port, deciding with the
 * real keygate server; a second app whose keygate is unreachable shows the guard fails closed.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import express from 'express';
import * as grpc from '@grpc/grpc-js';
import { CheckResponse, KeygateClient, RouteTable, keygateExpress } from '../src';
import type { CreateKeyResponse__Output } from '../src/generated/keygate/v1/CreateKeyResponse';
import { KeygateProcess } from './keygateProcess';

const keygate = new KeygateProcess();
let client: KeygateClient;
let downClient: KeygateClient;
let app: Server;
let downApp: Server;
let projects = 0; // one project per key: keygate bounds the active keys of a project

function createKey(scopes: string[], rateLimit?: number): Promise<CreateKeyResponse__Output> {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${keygate.adminToken}`);
  return new Promise((resolve, reject) => client.admin.CreateKey({
    project: `node-express-${projects++}`, name: 'express guard', scopes,
    rateLimit: rateLimit ? { requests: rateLimit, period: { seconds: 3600 } } : undefined,
  }, md, (e, r) => (e ? reject(e) : resolve(r!))));
}

function serve(keygateClient: KeygateClient): Promise<Server> {
  const demo = express();
  demo.use(keygateExpress({ 'GET /tasks': ['tasks:read'], 'DELETE /tasks/*': ['tasks:delete'] },
    { public: ['GET /healthz'], client: keygateClient }));
  demo.get('/tasks', (_req, res) => {
    const decision = res.locals.keygate as CheckResponse;
    res.json({ keyId: decision.keyId, project: decision.project });
  });
  demo.delete('/tasks/:task', (req, res) => { res.json({ deleted: req.params.task }); });
  demo.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  demo.get('/unmapped', (_req, res) => { res.json({ reached: true }); });
  return new Promise((resolve) => { const s = demo.listen(0, '127.0.0.1', () => resolve(s)); });
}

async function call(server: Server, method: string, path: string,
  headers: Record<string, string> = {}) {
  const { port } = server.address() as AddressInfo;
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text ? JSON.parse(text) : undefined };
}

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

before(async () => {
  await keygate.start();
  client = new KeygateClient({ address: keygate.address });
  downClient = new KeygateClient({ address: '127.0.0.1:1', timeoutMs: 5000 }); // nothing listens
  app = await serve(client);
  downApp = await serve(downClient);
});

after(async () => {
  await Promise.all([app, downApp].map((s) => new Promise((r) => s.close(r))));
  client.close();
  downClient.close();
  await keygate.stop();
});

describe('keygateExpress', () => {
  test('guard_allowedKeyReachesRouteWithIdentity', async () => {
    const created = await createKey(['tasks:read']);
    const r = await call(app, 'GET', '/tasks', bearer(created.secret));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { keyId: created.key!.id, project: created.key!.project });
  });

  test('guard_xApiKeyHeaderIsAccepted', async () => {
    const created = await createKey(['tasks:delete']);
    const r = await call(app, 'DELETE', '/tasks/7', { 'X-Api-Key': created.secret });
    assert.deepEqual([r.status, r.json], [200, { deleted: '7' }]);
  });

  test('guard_noKeyIs401WithBearerChallenge', async () => {
    const r = await call(app, 'GET', '/tasks');
    assert.deepEqual([r.status, r.json.error.reason], [401, 'KEY_MISSING']);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="keygate"');
  });

  test('guard_malformedKeyIs401WithInvalidTokenChallenge', async () => {
    const r = await call(app, 'GET', '/tasks', bearer('kg_live_not-a-key'));
    assert.deepEqual([r.status, r.json.error.reason], [401, 'KEY_MALFORMED']);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="keygate", error="invalid_token"');
    assert.ok(!r.text.includes('kg_live_not-a-key'), 'the key is not echoed');
  });

  test('guard_missingScopeIs403', async () => {
    const created = await createKey(['tasks:read']);
    const r = await call(app, 'DELETE', '/tasks/7', bearer(created.secret));
    assert.deepEqual([r.status, r.json.error.reason], [403, 'SCOPE_MISSING']);
    assert.ok(!r.text.includes(created.secret), 'the key is not echoed');
  });

  test('guard_rateLimitedIs429WithRetryAfter', async () => {
    const created = await createKey(['tasks:read'], 1);
    assert.equal((await call(app, 'GET', '/tasks', bearer(created.secret))).status, 200);
    const r = await call(app, 'GET', '/tasks', bearer(created.secret));
    assert.deepEqual([r.status, r.json.error.reason], [429, 'RATE_LIMITED']);
    const retryAfter = Number(r.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
  });

  test('guard_keygateDownIs503FailClosed', async () => {
    const created = await createKey(['tasks:read']);
    const r = await call(downApp, 'GET', '/tasks', bearer(created.secret));
    assert.deepEqual([r.status, r.json.error.reason], [503, 'UNAVAILABLE']);
  });

  test('guard_unmappedRouteIs403', async () => {
    const created = await createKey(['tasks:read', 'tasks:delete']);
    const r = await call(app, 'GET', '/unmapped', bearer(created.secret));
    assert.deepEqual([r.status, r.json.error.reason], [403, 'ROUTE_UNMAPPED']);
  });

  test('guard_publicRouteNeedsNoKey', async () => {
    const r = await call(downApp, 'GET', '/healthz');
    assert.deepEqual([r.status, r.json], [200, { ok: true }]);
  });
});

describe('RouteTable', () => {
  test('match_mostSpecificFirst', () => {
    const table = new RouteTable(['/tasks/*', 'GET /tasks/*', 'GET /tasks/7', '/tasks/7']);
    assert.deepEqual(table.match('GET', '/tasks/7'),
      ['GET /tasks/7', '/tasks/7', 'GET /tasks/*', '/tasks/*']);
  });

  test('match_prefixNeedsPathBoundary', () => {
    const table = new RouteTable(['/tasks/*']);
    assert.deepEqual(table.match('POST', '/tasks'), ['/tasks/*']);
    assert.deepEqual(table.match('GET', '/tasksx'), []);
  });

  test('constructor_pathWithoutSlashIsRejected', () => {
    assert.throws(() => new RouteTable(['GET tasks']), /must start with/);
  });
});
