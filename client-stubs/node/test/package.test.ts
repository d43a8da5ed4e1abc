/**
 * The package installs as users install it: `npm pack` (which builds through `prepack`), then
 * `npm install` of the tarball into a fresh project, which requires the client and both guards
 * from node_modules and gets the built type declarations.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

const PACKAGE_DIR = path.join(__dirname, '..', '..');
const NPM_LIMIT_MS = 600_000; // a bound so a stuck npm fails the run instead of hanging it

function npm(cwd: string, ...args: string[]): string {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd, encoding: 'utf8', timeout: NPM_LIMIT_MS });
}

test('pack_freshProjectRequiresGuardsWithTypes', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'keygate-npm-'));
  try {
    const [packed] = JSON.parse(npm(PACKAGE_DIR, 'pack', '--json', '--pack-destination', work));
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    for (const wanted of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/express.d.ts',
      'proto/keygate/v1/authorize.proto', 'proto/google/rpc/error_details.proto']) {
      assert.ok(files.includes(wanted), `${wanted} is in the package`);
    }
    assert.deepEqual(files.filter((f) => f.startsWith('dist/test') || f.startsWith('src/')), []);

    const app = path.join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(path.join(app, 'package.json'), '{"name": "app", "version": "1.0.0"}');
    npm(app, 'install', '--prefer-offline', path.join(work, packed.filename));
    const probe = execFileSync('node', ['-e', `
      const k = require('@keygate/client');
      console.log(JSON.stringify([typeof k.keygateExpress, typeof k.keygateGuard,
        typeof k.KeygateClient, require.resolve('@keygate/client')]));`],
    { cwd: app, encoding: 'utf8' });
    const [express, guard, client, resolved] = JSON.parse(probe);
    assert.deepEqual([express, guard, client], ['function', 'function', 'function']);
    assert.ok(resolved.startsWith(path.join(app, 'node_modules')), resolved);
    const installed = path.join(app, 'node_modules', '@keygate', 'client');
    assert.ok(existsSync(path.join(installed, 'dist', 'src', 'express.d.ts')));
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.deepEqual([manifest.license, manifest.private], ['Apache-2.0', undefined]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
