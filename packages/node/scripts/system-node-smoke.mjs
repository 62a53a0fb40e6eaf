#!/usr/bin/env node
// Proves the package on the machine's own Node as well as on the pinned one that runs the pnpm
// scripts (24): finds a `node` on PATH (or WSKIT_SYSTEM_NODE) other than the one running this
// script, runs test/system-node/smoke.mjs under it against the built dist/, and writes the result
// as JUnit XML to .test-results/system-node.xml (summed by the root test script). Without another
// Node it skips with a message, except under CI, where it fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(packageDir, '.test-results');
const current = realpathSync(process.execPath);

function candidates() {
  const list = [];
  if (process.env.WSKIT_SYSTEM_NODE) list.push(process.env.WSKIT_SYSTEM_NODE);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && !dir.includes('node_modules')) list.push(join(dir, 'node'));
  }
  list.push('/usr/local/bin/node', '/usr/bin/node');
  return list;
}

function findSystemNode() {
  for (const path of candidates()) {
    try {
      accessSync(path, constants.X_OK);
      const real = realpathSync(path);
      if (real === current) continue;
      const version = execFileSync(real, ['--version'], { encoding: 'utf8' }).trim();
      if (version !== process.version) return { path: real, version };
    } catch {
      // Not there or not runnable: try the next one.
    }
  }
  return undefined;
}

function writeJunit(tests) {
  mkdirSync(resultsDir, { recursive: true });
  const failures = tests.filter((test) => !test.ok).length;
  const escapeXml = (text) => text.replace(/[<>&"]/g, (char) => `&#${char.charCodeAt(0)};`);
  const cases = tests
    .map((test) =>
      test.ok
        ? `    <testcase name="${escapeXml(test.name)}"/>`
        : `    <testcase name="${escapeXml(test.name)}"><failure message="${escapeXml(test.error ?? 'failed')}"/></testcase>`,
    )
    .join('\n');
  writeFileSync(
    join(resultsDir, 'system-node.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${tests.length}" failures="${failures}">\n  <testsuite name="system node smoke" tests="${tests.length}" failures="${failures}">\n${cases}\n  </testsuite>\n</testsuites>\n`,
  );
}

if (!existsSync(join(packageDir, 'dist', 'index.js')) || !existsSync(join(packageDir, 'dist', 'index.cjs'))) {
  console.error('system-node smoke: dist/ is missing; run the build first');
  writeJunit([{ name: 'dist is built', ok: false, error: 'dist/ missing' }]);
  process.exit(1);
}

const node = findSystemNode();
if (!node) {
  const message = `system-node smoke: no Node other than ${process.version} found on PATH`;
  if (process.env.CI) {
    console.error(`${message}; CI needs one (the machine's Node 20)`);
    writeJunit([{ name: 'a system Node is installed', ok: false, error: message }]);
    process.exit(1);
  }
  console.log(`${message}: skipped`);
  process.exit(0);
}

console.log(`system-node smoke: ${node.version} at ${node.path}`);
const run = spawnSync(node.path, [join(packageDir, 'test', 'system-node', 'smoke.mjs')], {
  cwd: packageDir,
  encoding: 'utf8',
  timeout: 60_000,
});
const tests = [];
for (const line of (run.stdout ?? '').split('\n')) {
  if (!line.startsWith('{')) continue;
  const result = JSON.parse(line);
  tests.push({ name: `${result.name} (Node ${result.node})`, ok: result.ok, error: result.error });
  console.log(
    `  ${result.ok ? '✓' : '×'} ${result.name} (Node ${result.node}${result.ms === undefined ? '' : `, ${result.ms} ms`})`,
  );
  if (!result.ok) console.log(result.error);
}
if (run.status !== 0 && tests.every((test) => test.ok)) {
  tests.push({
    name: `smoke.mjs under Node ${node.version}`,
    ok: false,
    error: `${run.stderr}\nexit ${run.status}`,
  });
  console.error(run.stderr);
}
writeJunit(tests);
const failed = tests.filter((test) => !test.ok).length;
console.log(`system-node smoke: ${tests.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
