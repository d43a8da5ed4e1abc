// The chart's optional monitoring objects: the Grafana dashboard ConfigMap and the PrometheusRule,
// rendered by real Helm from files/grafana-dashboard.json and files/prometheus-rules.yaml; and
// those rules checked and unit-tested by the real promtool (helm/rules-test). Which metric names
// the two files may use is checked against a running keygate by the server's
// MonitoringSeriesTest.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART, HELM_DIR, buildExample, helm, render } from './lib/helm.mjs';
import { validate, byKind, one } from './lib/k8s.mjs';

const DASHBOARD_FILE = join(CHART, 'files', 'grafana-dashboard.json');
const RULES_FILE = join(CHART, 'files', 'prometheus-rules.yaml');
const RULES_TESTS = join(HELM_DIR, 'rules-test', 'keygate-rules.test.yaml');
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
const rules = parse(readFileSync(RULES_FILE, 'utf8'));
const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);

const ON = ['metrics.enabled=true', 'monitoring.dashboard.enabled=true', 'monitoring.rules.enabled=true'];

// promtool comes from Debian's `prometheus` package (.ci/run installs it); without it the promtool
// tests are skipped with this message rather than failing on a missing program.
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const NO_PROMTOOL = promtool.error || promtool.status !== 0
  ? 'promtool is not installed (apt-get install prometheus): rules not checked by promtool'
  : false;

function runPromtool(...args) {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

const isSidecarConfigMap = (o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard !== undefined;

describe('monitoring objects', () => {
  test('off by default, even with metrics on: no dashboard ConfigMap, no PrometheusRule', () => {
    for (const set of [[], ['metrics.enabled=true']]) {
      const objects = render(CHART, { set });
      assert.deepEqual(objects.filter(isSidecarConfigMap), [], `set ${set}`);
      assert.deepEqual(byKind(objects, 'PrometheusRule'), [], `set ${set}`);
    }
  });

  test('dashboard on: a ConfigMap with the sidecar label and annotations holds the shipped dashboard', async () => {
    const objects = render(CHART, {
      set: [...ON.slice(0, 2), 'monitoring.dashboard.annotations.grafana_folder=keygate'],
    });
    assert.deepEqual(byKind(objects, 'PrometheusRule'), [], 'rules stay off');
    const cm = one(objects, 'ConfigMap', 'kg-keygate-dashboard');
    await validate(cm);
    assert.equal(cm.metadata.labels.grafana_dashboard, '1');
    assert.equal(cm.metadata.labels['app.kubernetes.io/instance'], 'kg');
    assert.deepEqual(cm.metadata.annotations, { grafana_folder: 'keygate' });
    assert.deepEqual(Object.keys(cm.data), ['keygate.json']);
    assert.deepEqual(JSON.parse(cm.data['keygate.json']), dashboard);
  });

  test('dashboard labels can be replaced for a sidecar that selects another label', () => {
    // Helm merges maps with the defaults: null removes the default label
    const file = join(mkdtempSync(join(tmpdir(), 'keygate-values-')), 'values.yaml');
    writeFileSync(file, stringify({
      metrics: { enabled: true },
      monitoring: { dashboard: { enabled: true, labels: { grafana_dashboard: null, dashboards: 'keygate' } } },
    }));
    const objects = render(CHART, { values: [file] });
    const cm = one(objects, 'ConfigMap', 'kg-keygate-dashboard');
    assert.equal(cm.metadata.labels.dashboards, 'keygate');
    assert.equal(cm.metadata.labels.grafana_dashboard, undefined);
  });

  test('rules on: a PrometheusRule whose spec is the rules file, with the ruleSelector labels', () => {
    const objects = render(CHART, {
      set: ['metrics.enabled=true', 'monitoring.rules.enabled=true', 'monitoring.rules.labels.release=kps'],
    });
    assert.deepEqual(objects.filter(isSidecarConfigMap), [], 'dashboard stays off');
    const rule = one(objects, 'PrometheusRule', 'kg-keygate');
    assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(rule.metadata.labels.release, 'kps');
    assert.equal(rule.metadata.labels['app.kubernetes.io/instance'], 'kg');
    assert.deepEqual(rule.spec, rules);
    assert.deepEqual(alerts.map((a) => a.alert), [
      'KeygateRedisErrors', 'KeygateStoreUnavailable', 'KeygateRedisBreakerOpen',
      'KeygateFailedAuthSpike', 'KeygateDecisionLatencyHigh', 'KeygateAuditEventsDropped',
    ]);
  });

  test('rules on: the rendered spec passes promtool check rules', { skip: NO_PROMTOOL }, () => {
    const rule = one(render(CHART, { set: ON }), 'PrometheusRule');
    const file = join(mkdtempSync(join(tmpdir(), 'keygate-rules-')), 'rendered.yaml');
    writeFileSync(file, stringify(rule.spec));
    const r = runPromtool('check', 'rules', file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  for (const which of ['dashboard', 'rules']) {
    test(`${which} on without metrics: helm template fails and says metrics.enabled is needed`, () => {
      const r = helm('template', 'kg', CHART, '--set', `monitoring.${which}.enabled=true`);
      assert.notEqual(r.status, 0, r.stdout);
      assert.match(r.stderr, new RegExp(`monitoring\\.${which}\\.enabled needs metrics\\.enabled: true`));
    });
  }

  test('an unknown monitoring value is rejected by the schema', () => {
    const r = helm('template', 'kg', CHART, '--set', 'monitoring.rules.enable=true');
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /enable/);
  });

  test('in an app chart (keygate as a dependency), keygate.monitoring.* renders both objects', () => {
    const chart = buildExample('tasks-api');
    const objects = render(chart, { release: 'tasks', set: ON.map((s) => `keygate.${s}`) });
    assert.deepEqual(one(objects, 'PrometheusRule').spec, rules);
    assert.deepEqual(JSON.parse(objects.filter(isSidecarConfigMap)[0].data['keygate.json']), dashboard);
  });
});

describe('promtool', () => {
  test('check rules accepts the rules file', { skip: NO_PROMTOOL }, () => {
    const r = runPromtool('check', 'rules', RULES_FILE);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('the unit tests in helm/rules-test pass: each alert fires on its synthetic series, healthy ones stay silent', { skip: NO_PROMTOOL }, () => {
    const r = runPromtool('test', 'rules', RULES_TESTS);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  test('every alert has a unit test where it fires and one where it is silent', () => {
    const cases = parse(readFileSync(RULES_TESTS, 'utf8')).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      assert.ok(mine.some((c) => c.exp_alerts?.length > 0), `${alert}: no case where it fires`);
      assert.ok(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert}: no case where it is silent`);
    }
  });
});

describe('rules file', () => {
  test('every alert has a severity, a summary and a description, and keeps the target labels', () => {
    for (const a of alerts) {
      assert.ok(['warning', 'critical'].includes(a.labels?.severity), `${a.alert}: severity`);
      assert.ok(a.annotations?.summary && a.annotations?.description, `${a.alert}: annotations`);
      assert.match(a.annotations.summary, /\{\{ \$labels\.instance \}\}/, `${a.alert}: names the instance`);
      // `sum by (...)` would drop job/instance/pod: aggregations must say what they remove
      assert.doesNotMatch(a.expr, /\bby\s*\(/, `${a.alert}: aggregate with without(), not by()`);
    }
  });
});

describe('dashboard file', () => {
  const panels = dashboard.panels;
  const graphs = panels.filter((p) => p.type !== 'row');

  test('a current Grafana dashboard model with a stable uid and a Prometheus data source variable', () => {
    assert.ok(dashboard.schemaVersion >= 39, `schemaVersion ${dashboard.schemaVersion}`);
    assert.equal(dashboard.uid, 'keygate-overview');
    assert.equal(dashboard.id, undefined, 'no database id: Grafana assigns one');
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    assert.equal(vars.datasource.type, 'datasource');
    assert.equal(vars.datasource.query, 'prometheus');
    assert.ok(vars.job && vars.instance, 'job and instance variables');
  });

  test('panel ids are unique and panels do not overlap on the grid', () => {
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `ids ${ids}`);
    const cells = new Map();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24, `${p.title}: gridPos ${JSON.stringify(p.gridPos)}`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const k = `${i},${j}`;
          assert.ok(!cells.has(k), `${p.title} overlaps ${cells.get(k)} at ${k}`);
          cells.set(k, p.title);
        }
      }
    }
  });

  test('every panel queries the chosen data source, filtered by the job and instance variables', () => {
    for (const p of graphs) {
      assert.ok(p.targets?.length > 0, `${p.title}: no query`);
      for (const t of p.targets) {
        assert.equal(t.datasource.uid, '${datasource}', `${p.title}: data source`);
        for (const selector of t.expr.match(/keygate_\w+\{[^}]*\}/g) ?? []) {
          assert.match(selector, /job=~"\$job", instance=~"\$instance"/, `${p.title}: ${selector}`);
        }
        assert.doesNotMatch(t.expr, /keygate_\w+(?![\w{])/, `${p.title}: a metric without the variables' filter`);
      }
    }
  });

  test('the panels the issue asks for are there', () => {
    const titles = graphs.map((p) => p.title);
    for (const wanted of ['Decisions by outcome and reason', 'Denial rate', 'Decision latency p50 / p99',
      'Cache hit ratio', 'Redis errors', 'Redis circuit breaker', 'Store-unavailable answers', 'Audit events',
      'Admin calls rejected']) {
      assert.ok(titles.includes(wanted), `no panel "${wanted}" in ${titles}`);
    }
  });
});
