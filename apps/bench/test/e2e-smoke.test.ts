/**
 * A smoke run of the end-to-end benchmark: `--quick`, one connection, two payloads, a few groups,
 * the outputs written to a temporary directory. It checks that the command produces the ratio
 * tables, the chart and JSON with positive rates, not what the numbers are.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'wskit-e2e-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Run {
  messagesPerSecond: number;
  megabytesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

test('the quick e2e run writes a ratio table, a chart and JSON with positive rates', async () => {
  const json = join(directory, 'e2e.json');
  const markdown = join(directory, 'benchmarks.md');
  const main = resolve(import.meta.dirname, '../src/e2e/main.ts');
  const { stdout } = await run(
    process.execPath,
    [main, '--quick', '--groups', 'client,tcp,deflate,memory', '--connections', '1', '--sizes', '16,64k'] //
      .concat([
        '--deflate-sizes',
        '1k',
        '--memory-connections',
        '50',
        '--json',
        json,
        '--markdown',
        markdown,
        '--svg',
        join(directory, 'chart.svg'),
      ]),
    // Generous: on a shared machine the quick run has taken 50 s (it takes 20 s on a quiet one).
    { timeout: 170_000 },
  );
  expect(stdout).toContain(
    '| connections | payload | client vs ws | client vs ws+bufferutil | client vs undici |',
  );

  const document = JSON.parse(readFileSync(json, 'utf8')) as {
    scenarios: Array<{ runs: Record<string, Run> }>;
    comparisons: Array<{ label: string; throughputRatio: number }>;
    memory: Record<string, { rssBytesPerConnection: number }>;
  };
  const runs = document.scenarios.flatMap((scenario) => Object.values(scenario.runs));
  expect(runs.length).toBe(2 * 6 + 2); // 16 B and 64 KiB: 4 clients, wskit and TCP pairs; then deflate
  for (const result of runs) {
    expect(result.messagesPerSecond).toBeGreaterThan(0);
    expect(result.megabytesPerSecond).toBeGreaterThan(0);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
  }
  expect(document.comparisons.map((item) => item.label)).toContain('deflate vs ws');
  for (const comparison of document.comparisons) expect(comparison.throughputRatio).toBeGreaterThan(0);
  expect(Object.keys(document.memory).sort()).toEqual(['ws', 'wskit']);

  const table = readFileSync(markdown, 'utf8');
  expect(table).toMatch(/<!-- e2e:begin -->\n## Benchmarks: end to end[\s\S]*<!-- e2e:end -->\n$/);
  expect(table).toMatch(/\| 1 \| 16 B \| \d+\.\d\dx \|/);
  expect(readFileSync(join(directory, 'chart.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
}, 180_000);
