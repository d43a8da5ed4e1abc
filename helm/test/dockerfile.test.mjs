// The Dockerfile cannot be built here (no Docker engine); check what can be checked without one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART, REPO } from './lib/helm.mjs';

const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const instr = (name) => lines.filter((l) => l.toUpperCase().startsWith(name + ' ')).map((l) => l.slice(name.length + 1).trim());
const args = Object.fromEntries(instr('ARG').map((a) => a.split('=')).filter((a) => a.length === 2));

describe('Dockerfile', () => {
  test('base images are pinned to an exact version (never latest, never a bare major)', () => {
    // FROMs naming a build arg are base images; the others name an earlier stage
    const froms = instr('FROM').map((f) => f.split(/\s+/)[0]).filter((f) => /^\$\{\w+\}$/.test(f))
      .map((f) => args[f.slice(2, -1)]);
    assert.ok(froms.length >= 2, 'multi-stage: build and runtime');
    for (const image of froms) {
      assert.ok(image, 'FROM names an ARG without a default');
      assert.match(image, /^[\w./-]+:[\w.-]*\d+\.\d+[\w.-]*(@sha256:[a-f0-9]{64})?$/, image);
    }
    assert.match(froms[0], /^maven:/);
    assert.doesNotMatch(args.RUNTIME_IMAGE, /jdk|maven/, 'runtime base holds no JDK');
  });

  test('the runtime is a JRE cut with jlink, copied into the runtime stage', () => {
    assert.ok(instr('RUN').some((r) => /^jlink .*--output \/jre(\s|$)/.test(r)), 'a jlink step');
    assert.ok(instr('COPY').includes('--from=jre /jre /opt/java'));
    assert.match(instr('ENTRYPOINT')[0], /^\["java"/);
  });

  test('every COPY source from the build context exists, or is the jar the server module builds', () => {
    const copies = instr('COPY').filter((c) => !c.startsWith('--from'));
    assert.ok(copies.length >= 4);
    const pom = readFileSync(join(REPO, 'server', 'pom.xml'), 'utf8');
    const finalName = /<finalName>([^<]+)<\/finalName>/.exec(pom)[1];
    for (const c of copies) {
      const parts = c.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        if (src.includes('/target/')) assert.equal(src, `server/target/${finalName}.jar`);
        else assert.ok(existsSync(join(REPO, src)), `COPY ${src}: not in the repository`);
      }
    }
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    assert.ok(ignore.includes(`!server/target/${finalName}.jar`), '.dockerignore lets the jar through');
  });

  test('the jar copied from the build stage is the one the server module builds', () => {
    const [fromBuild] = instr('COPY').filter((c) => c.startsWith('--from=build'));
    const jar = fromBuild.split(/\s+/)[1];
    const pom = readFileSync(join(REPO, 'server', 'pom.xml'), 'utf8');
    const finalName = /<finalName>([^<]+)<\/finalName>/.exec(pom)[1];
    assert.equal(jar, `/src/server/target/${finalName}.jar`);
    assert.match(instr('ENTRYPOINT')[0], new RegExp(`/app/${finalName}\\.jar`));
  });

  test('runs as the numeric non-root user the chart expects, and exposes the chart\'s port', () => {
    const [user] = instr('USER');
    const [uid, gid] = user.split(':').map(Number);
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
    assert.ok(uid > 0 && gid > 0, user);
    assert.equal(uid, values.securityContext.runAsUser);
    assert.equal(gid, values.securityContext.runAsGroup);
    assert.deepEqual(instr('EXPOSE'), [String(values.port)]);
    assert.match(instr('ENV').join(' '), new RegExp(`KEYGATE_LISTEN=0\\.0\\.0\\.0:${values.port}`));
  });

  test('the chart\'s appVersion (the default image tag) is the project\'s version', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
    const pom = readFileSync(join(REPO, 'pom.xml'), 'utf8');
    const version = /<artifactId>keygate-parent<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom)[1];
    assert.equal(chart.appVersion, version.replace(/-SNAPSHOT$/, ''));
    assert.equal(parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')).image.tag, '', 'tag defaults to appVersion');
  });
});
