#!/usr/bin/env node
// Runs every package's tests through turbo, then sums the results that each test runner wrote to
// `<package>/.test-results/` (vitest JSON, bun's JUnit XML) into one closing line:
// `N passed, N failed` (`, N skipped` when any were skipped). Exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const workspaceDirs = ['packages', 'apps']
  .map((group) => join(root, group))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)));

for (const dir of workspaceDirs) rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const extraArgs = process.argv.slice(2);
// Test suites start servers, browsers and runtimes: on a 2-core machine, more than a few at once
// only adds contention and timeouts, not speed. TEST_CONCURRENCY overrides it.
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const turbo = spawnSync(
  'turbo',
  ['run', 'test', '--continue', `--concurrency=${concurrency}`, ...extraArgs],
  {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of workspaceDirs) {
  const resultsDir = join(dir, '.test-results');
  if (!existsSync(resultsDir)) continue;
  for (const file of readdirSync(resultsDir)) {
    const path = join(resultsDir, file);
    const text = readFileSync(path, 'utf8');
    let counts;
    if (file.endsWith('.json')) {
      const json = JSON.parse(text);
      counts = {
        passed: json.numPassedTests ?? 0,
        failed: (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0),
        skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
      };
    } else if (file.endsWith('.xml')) {
      const head = /<testsuites\b[^>]*>/.exec(text)?.[0] ?? '';
      const attribute = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
      const total = attribute('tests');
      const failures = attribute('failures') + attribute('errors');
      const skips = attribute('skipped');
      counts = { passed: total - failures - skips, failed: failures, skipped: skips };
    } else {
      continue;
    }
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    rows.push(`${relative(root, path).padEnd(56)} ${counts.passed} passed, ${counts.failed} failed`);
  }
}

console.log('\nTest results by runner:');
for (const row of rows) console.log(`  ${row}`);
if (turbo.status !== 0 && failed === 0) {
  // A runner crashed before writing its results: count it, so a broken run never reads as green.
  console.log(`  turbo exited with status ${turbo.status} without a recorded failing test`);
  failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || turbo.status !== 0 ? 1 : 0);
