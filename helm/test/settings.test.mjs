// The chart's optional keygate settings and the metrics port: rendered only when set, as the
// KEYGATE_* variables docs/configuration.md documents, and rejected by the schema when out of range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART, helm, render } from './lib/helm.mjs';
import { validate } from './lib/k8s.mjs';
import { keygateContainers, env } from './lib/assertions.mjs';

const dir = mkdtempSync(join(tmpdir(), 'keygate-settings-'));
const valuesFile = (name, text) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

test('optional settings are absent by default, so keygate keeps its own defaults', () => {
  const [c] = keygateContainers(render(CHART), 7070).map((k) => k.container);
  const e = env(c);
  for (const name of ['KEYGATE_REDIS_FAILURE', 'KEYGATE_CACHE_MAX_KEYS', 'KEYGATE_AUTH_FAILURE_LIMIT',
    'KEYGATE_TRUSTED_PROXY_HOPS', 'KEYGATE_METRICS_LISTEN', 'KEYGATE_RATE_LIMIT_SCOPE']) {
    assert.equal(e[name], undefined, name);
  }
  assert.deepEqual(c.ports.map((p) => p.name), ['keygate-grpc']);
});

test('set optional settings become KEYGATE_* variables, zero included; metrics get a port', async () => {
  const objects = render(CHART, { values: [valuesFile('set.yaml', `
config:
  redisFailure: stale
  redisStaleMaxAge: 2m
  rateLimitScope: global
  cacheMaxKeys: 0
  cacheMaxStaleness: 5s
  cacheNegativeTtl: 500ms
  authFailureLimit: 20
  authFailureWindow: 1m
  trustedProxyHops: 1
  trustedPeers: 127.0.0.0/8,10.0.0.0/8
  redisBreakerOpen: 250ms
  redisMaxPendingReads: 4096
  redisReadBatches: 2
  redisPoolSize: 5
  redisWaitReplicas: 1
  redisWaitTimeout: 200ms
  auditMaxEvents: 5000
  auditFailureSamples: 0
  projectAllowlists: acme=203.0.113.0/24 2001:db8::/32;beta=10.0.0.0/8
  eventsExpiringLead: 7d
  eventsCreditsLowPercent: 20
  webhookUrl: https://hooks.example.com/keygate
  webhookRetryWindow: 12h
  webhookSecretName: keygate-webhook
  importKeyPrefixes: sk_live_,sk_test_
redis:
  url: redis://redis.example.svc:6379
metrics:
  enabled: true
  port: 9090
`)] });
  for (const o of objects) await validate(o);
  const [c] = keygateContainers(objects, 7070).map((k) => k.container);
  const e = env(c);
  const expected = {
    KEYGATE_REDIS_FAILURE: 'stale', KEYGATE_REDIS_STALE_MAX_AGE: '2m',
    KEYGATE_RATE_LIMIT_SCOPE: 'global', KEYGATE_CACHE_MAX_KEYS: '0',
    KEYGATE_CACHE_MAX_STALENESS: '5s', KEYGATE_CACHE_NEGATIVE_TTL: '500ms',
    KEYGATE_AUTH_FAILURE_LIMIT: '20', KEYGATE_AUTH_FAILURE_WINDOW: '1m',
    KEYGATE_TRUSTED_PROXY_HOPS: '1', KEYGATE_AUDIT_MAX_EVENTS: '5000',
    KEYGATE_TRUSTED_PEERS: '127.0.0.0/8,10.0.0.0/8', KEYGATE_REDIS_BREAKER_OPEN: '250ms',
    KEYGATE_REDIS_MAX_PENDING_READS: '4096', KEYGATE_REDIS_READ_BATCHES: '2',
    KEYGATE_REDIS_POOL_SIZE: '5', KEYGATE_REDIS_WAIT_REPLICAS: '1', KEYGATE_REDIS_WAIT_TIMEOUT: '200ms',
    KEYGATE_AUDIT_FAILURE_SAMPLES: '0', KEYGATE_METRICS_LISTEN: '0.0.0.0:9090',
    KEYGATE_PROJECT_ALLOWLISTS: 'acme=203.0.113.0/24 2001:db8::/32;beta=10.0.0.0/8',
    KEYGATE_EVENTS_EXPIRING_LEAD: '7d', KEYGATE_EVENTS_CREDITS_LOW_PERCENT: '20',
    KEYGATE_WEBHOOK_URL: 'https://hooks.example.com/keygate', KEYGATE_WEBHOOK_RETRY_WINDOW: '12h',
    KEYGATE_IMPORT_KEY_PREFIXES: 'sk_live_,sk_test_',
  };
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(e[name]?.value, value, name);
  }
  // the signing secret comes from the named Secret, never from values
  assert.deepEqual(e.KEYGATE_WEBHOOK_SECRET?.valueFrom,
    { secretKeyRef: { name: 'keygate-webhook', key: 'webhook-secret' } });
  assert.deepEqual(c.ports.find((p) => p.name === 'metrics'),
    { name: 'metrics', containerPort: 9090, protocol: 'TCP' });
});

test('out-of-range optional settings are rejected by the schema', () => {
  for (const [name, text] of [
    ['failure.yaml', 'config:\n  redisFailure: open\n'],
    ['hops.yaml', 'config:\n  trustedProxyHops: 11\n'],
    ['batches.yaml', 'config:\n  redisReadBatches: 9\n'],
    ['pool.yaml', 'config:\n  redisPoolSize: 1\n'],
    ['window.yaml', 'config:\n  authFailureWindow: soon\n'],
    ['metrics.yaml', 'metrics:\n  enabled: true\n  port: 70000\n'],
  ]) {
    const r = helm('template', 'kg', CHART, '-f', valuesFile(name, text));
    assert.notEqual(r.status, 0, `${name} rendered`);
    assert.match(r.stderr, /values don't meet the specifications of the schema/, r.stderr);
  }
});
