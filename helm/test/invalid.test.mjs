// Values the chart must refuse, each with the message that names the problem. Most are refused by
// values.schema.json; the two cross-field rules by the chart's own checks.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART, helm } from './lib/helm.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'invalid');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('invalid values are rejected', () => {
  test('there are cases', () => assert.ok(files.length >= 10, `${files.length} cases`));
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const expected = /^# expect: (.+)$/m.exec(text)?.[1];
    const bySchema = !/^# by: chart/m.test(text);
    test(`${file}: helm template ${bySchema ? 'and helm lint fail' : 'fails'} naming "${expected}"`, () => {
      assert.ok(expected, `${file} has no '# expect:' line`);
      const t = helm('template', 'kg', CHART, '-f', join(dir, file));
      assert.notEqual(t.status, 0, `rendered:\n${t.stdout.slice(0, 500)}`);
      assert.ok(t.stderr.includes(expected), t.stderr);
      if (bySchema) {
        const l = helm('lint', CHART, '-f', join(dir, file));
        assert.notEqual(l.status, 0, 'helm lint accepted it');
        assert.ok((l.stdout + l.stderr).includes(expected), l.stdout + l.stderr);
      }
    });
  }
});
