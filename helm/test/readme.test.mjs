// helm/README.md's values table and helm/keygate/values.yaml cannot drift apart: every leaf of
// values.yaml is covered by exactly one row (the leaf itself, or a map above it documented whole),
// each row's default is the value in values.yaml, and no row names a key that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { CHART, HELM_DIR } from './lib/helm.mjs';

const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
const readme = readFileSync(join(HELM_DIR, 'README.md'), 'utf8');

/** A row of the values table: | `key` | `default` | description | */
const ROW = /^\| `([^`]+)` \| `([^`]*)` \| .* \|$/;

/** The rows of the table under "## Values", as {key, text, value}; a row of another shape fails. */
function valuesTable(markdown) {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Values\n'));
  assert.ok(section, 'helm/README.md has a "## Values" section');
  const rows = [];
  for (const line of section.split('\n').filter((l) => l.startsWith('|'))) {
    if (line.startsWith('| Key |') || line.startsWith('|---')) continue;
    const m = ROW.exec(line);
    assert.ok(m, `a values row is | \`key\` | \`default\` | description |: ${line}`);
    rows.push({ key: m[1], text: m[2], value: parse(m[2]) ?? null });
  }
  return rows;
}

/** Every leaf path of a values object; a non-empty map is walked, anything else is a leaf. */
function leaves(node, prefix = '') {
  const isMap = node !== null && typeof node === 'object' && !Array.isArray(node);
  if (!isMap || Object.keys(node).length === 0) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const at = (path) => path.split('.').reduce(
  (node, k) => (node !== null && typeof node === 'object' && Object.hasOwn(node, k) ? node[k] : undefined),
  values);

test('every row of the values table names a key of values.yaml with its default', () => {
  const rows = valuesTable(readme);
  assert.ok(rows.length > 50, `found the table: ${rows.length} rows`);
  for (const { key, text, value } of rows) {
    const actual = at(key);
    assert.notEqual(actual, undefined, `row ${key}: no such key in values.yaml`);
    assert.ok(isDeepStrictEqual(value, actual ?? null),
      `row ${key}: default \`${text}\`, values.yaml has ${JSON.stringify(actual)}`);
  }
});

test('every leaf of values.yaml has exactly one row', () => {
  const keys = valuesTable(readme).map((r) => r.key);
  const problems = [];
  for (const leaf of leaves(values)) {
    const covering = keys.filter((k) => leaf === k || leaf.startsWith(`${k}.`));
    if (covering.length !== 1) problems.push(`${leaf}: ${covering.length} rows (${covering.join(', ')})`);
  }
  assert.deepEqual(problems, []);
});

test('leaves walks maps and stops at lists, scalars and empty maps', () => {
  assert.deepEqual(leaves({ a: { b: 1, c: { d: null } }, e: [1], f: {}, g: '' }),
    ['a.b', 'a.c.d', 'e', 'f', 'g']);
});
