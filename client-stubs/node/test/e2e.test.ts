/**
 * End to end: the real keygate server, keys created through KeyAdmin, decisions through the
 * helper client and through keygateGuard protecting a small demo gRPC service.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import {
  KeygateClient, KeygateError, KeygateUnavailable, KeyUnauthenticated, PermissionDenied,
  RateLimited, fromServiceError, keygateGuard,
} from '../src';
import type { CreateKeyResponse__Output } from '../src/generated/keygate/v1/CreateKeyResponse';
import { KeygateProcess } from './keygateProcess';

const keygate = new KeygateProcess();
let client: KeygateClient;

function adminMetadata(token = keygate.adminToken): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function createKey(scopes: string[], rateLimit?: number): Promise<CreateKeyResponse__Output> {
  return new Promise((resolve, reject) => client.admin.CreateKey({
    project: 'node-e2e', name: 'node e2e', scopes,
    rateLimit: rateLimit ? { requests: rateLimit, period: { seconds: 3600 } } : undefined,
  }, adminMetadata(), (e, r) => (e ? reject(e) : resolve(r!))));
}

async function rejection<T extends KeygateError>(type: new (...a: any[]) => T,
  promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e as T;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

before(async () => {
  await keygate.start();
  client = new KeygateClient({ address: keygate.address });
});

after(async () => {
  client.close();
  await keygate.stop();
});

describe('KeygateClient', () => {
  test('authorize_allowedKeyReturnsDecision', async () => {
    const created = await createKey(['tasks:read', 'tasks:write']);
    const decision = await client.authorize(created.secret, ['tasks:read']);
    assert.equal(decision.keyId, created.key!.id);
    assert.equal(decision.project, 'node-e2e');
    assert.deepEqual(decision.grantedScopes, ['tasks:read', 'tasks:write']);
  });

  test('authorize_readsAddressFromEnvironment', async () => {
    process.env.KEYGATE_ADDR = keygate.address;
    const fromEnv = new KeygateClient();
    delete process.env.KEYGATE_ADDR;
    try {
      assert.equal(fromEnv.address, keygate.address);
      const created = await createKey(['tasks:read']);
      assert.equal((await fromEnv.authorize(created.secret)).keyId, created.key!.id);
    } finally {
      fromEnv.close();
    }
  });

  test('authorize_missingKeyIsUnauthenticated', async () => {
    const e = await rejection(KeyUnauthenticated, client.authorize('', ['tasks:read']));
    assert.deepEqual([e.reason, e.code, e.httpStatus],
      ['KEY_MISSING', grpc.status.UNAUTHENTICATED, 401]);
  });

  test('authorize_malformedKeyIsUnauthenticatedAndNotEchoed', async () => {
    const e = await rejection(KeyUnauthenticated, client.authorize('kg_live_not-a-key', []));
    assert.equal(e.reason, 'KEY_MALFORMED');
    assert.ok(!e.message.includes('kg_live_not-a-key'));
  });

  test('authorize_revokedKeyIsUnauthenticated', async () => {
    const created = await createKey(['tasks:read']);
    await new Promise((resolve, reject) => client.admin.RevokeKey(
      { id: created.key!.id, reason: 'e2e' }, adminMetadata(), (e, r) => (e ? reject(e) : resolve(r))));
    const e = await rejection(KeyUnauthenticated, client.authorize(created.secret, ['tasks:read']));
    assert.equal(e.reason, 'KEY_REVOKED');
  });

  test('authorize_missingScopeIsPermissionDenied', async () => {
    const created = await createKey(['tasks:read']);
    const e = await rejection(PermissionDenied, client.authorize(created.secret, ['tasks:delete']));
    assert.deepEqual([e.reason, e.code, e.httpStatus],
      ['SCOPE_MISSING', grpc.status.PERMISSION_DENIED, 403]);
    assert.equal(e.metadata.missing_scopes, 'tasks:delete');
  });

  test('authorize_overLimitIsRateLimitedWithRetryAfterAndQuota', async () => {
    const created = await createKey(['tasks:read'], 1);
    assert.equal((await client.authorize(created.secret, ['tasks:read'])).rateLimit!.remaining, 0);
    const e = await rejection(RateLimited, client.authorize(created.secret, ['tasks:read']));
    assert.deepEqual([e.reason, e.code, e.httpStatus],
      ['RATE_LIMITED', grpc.status.RESOURCE_EXHAUSTED, 429]);
    assert.ok(e.retryAfterMs! > 0 && e.retryAfterMs! <= 3_600_000, `retryAfterMs ${e.retryAfterMs}`);
    assert.deepEqual(e.quotaViolations, [{ subject: `key:${created.key!.id}`, description: e.details }]);
  });

  test('admin_badTokenDecodesAdminCredentialInvalid', async () => {
    const error = await new Promise<grpc.ServiceError>((resolve, reject) => client.admin.GetKey(
      { id: 'x' }, adminMetadata('wrong-token-wrong-token'),
      (e) => (e ? resolve(e) : reject(new Error('GetKey succeeded')))));
    const e = fromServiceError(error);
    assert.ok(e instanceof KeyUnauthenticated);
    assert.equal(e.reason, 'ADMIN_CREDENTIAL_INVALID');
  });

  test('authorize_sidecarDownIsUnavailable', async () => {
    const down = new KeygateClient({ address: '127.0.0.1:1', timeoutMs: 5000 });
    try {
      const e = await rejection(KeygateUnavailable, down.authorize('kg_live_whatever', []));
      assert.deepEqual([e.reason, e.httpStatus], ['UNAVAILABLE', 503]);
    } finally {
      down.close();
    }
  });
});

/** A demo service with raw-bytes methods, protected by one interceptor. */
const raw = (b: Buffer) => b;
function method(name: string): grpc.MethodDefinition<Buffer, Buffer> {
  return { path: `/demo.Tasks/${name}`, requestStream: false, responseStream: false,
    requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw };
}
const demoService: grpc.ServiceDefinition = {
  List: method('List'), Delete: method('Delete'), Unmapped: method('Unmapped'), Health: method('Health'),
};

describe('keygateGuard', () => {
  let server: grpc.Server;
  let demo: grpc.Client & Record<string, Function>;

  before(async () => {
    server = new grpc.Server({ interceptors: [keygateGuard(
      { '/demo.Tasks/List': ['tasks:read'], '/demo.Tasks/Delete': ['tasks:delete'] },
      { client, public: ['/demo.Tasks/Health'] })] });
    const echo: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) =>
      callback(null, Buffer.concat([Buffer.from('tasks:'), call.request]));
    server.addService(demoService, { List: echo, Delete: echo, Unmapped: echo, Health: echo });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0',
      grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const Demo = grpc.makeGenericClientConstructor(demoService, 'Tasks');
    demo = new Demo(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as any;
  });

  after(() => {
    demo.close();
    server.forceShutdown();
  });

  function call(name: string, key?: string, header = 'authorization'): Promise<Buffer> {
    const md = new grpc.Metadata();
    if (key !== undefined) md.set(header, header === 'authorization' ? `Bearer ${key}` : key);
    return new Promise((resolve, reject) => demo[name](Buffer.from('ping'), md,
      { deadline: Date.now() + 10_000 }, (e: grpc.ServiceError | null, r: Buffer) => (e ? reject(e) : resolve(r))));
  }

  async function assertDenied(code: grpc.status, reason: string, name: string, key?: string) {
    const error = await call(name, key).then(() => assert.fail('call succeeded'),
      (e: grpc.ServiceError) => e);
    assert.equal(error.code, code);
    assert.ok(error.metadata.get('grpc-status-details-bin').length > 0,
      "the caller gets keygate's google.rpc details");
    const decoded = fromServiceError(error);
    assert.equal(decoded.reason, reason);
    return decoded;
  }

  test('intercept_allowedKeyReachesService', async () => {
    const created = await createKey(['tasks:read']);
    assert.equal((await call('List', created.secret)).toString(), 'tasks:ping');
  });

  test('intercept_xApiKeyHeaderIsAccepted', async () => {
    const created = await createKey(['tasks:read']);
    assert.equal((await call('List', created.secret, 'x-api-key')).toString(), 'tasks:ping');
  });

  test('intercept_noKeyIsUnauthenticated', async () => {
    await assertDenied(grpc.status.UNAUTHENTICATED, 'KEY_MISSING', 'List');
  });

  test('intercept_malformedKeyIsUnauthenticated', async () => {
    await assertDenied(grpc.status.UNAUTHENTICATED, 'KEY_MALFORMED', 'List', 'kg_live_nope');
  });

  test('intercept_missingScopeIsPermissionDenied', async () => {
    const created = await createKey(['tasks:read']);
    await assertDenied(grpc.status.PERMISSION_DENIED, 'SCOPE_MISSING', 'Delete', created.secret);
  });

  test('intercept_rateLimitedIsResourceExhaustedWithRetryInfo', async () => {
    const created = await createKey(['tasks:read'], 1);
    await call('List', created.secret);
    const e = await assertDenied(grpc.status.RESOURCE_EXHAUSTED, 'RATE_LIMITED', 'List', created.secret);
    assert.ok(e.retryAfterMs! > 0);
  });

  test('intercept_unmappedMethodIsDenied', async () => {
    const created = await createKey(['admin:*']);
    const error = await call('Unmapped', created.secret).then(() => assert.fail('call succeeded'),
      (e: grpc.ServiceError) => e);
    assert.equal(error.code, grpc.status.PERMISSION_DENIED);
  });

  test('intercept_publicMethodNeedsNoKey', async () => {
    assert.equal((await call('Health')).toString(), 'tasks:ping');
  });
});
