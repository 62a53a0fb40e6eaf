/**
 * A run's summary: counts by verdict and the cases that are not OK, as text for the test output and
 * as JSON in `.test-results/` for docs/conformance.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult, Verdict } from './peer.ts';

/** The harness's pass criterion: OK, or INFORMATIONAL for the cases the suite marks so. */
export const passes = (result: CaseResult): boolean =>
  result.verdict === 'OK' || result.verdict === 'INFORMATIONAL';

/** `OK 298, INFORMATIONAL 3` and a line per case that is not OK (informational ones say what happened). */
export function summarize(title: string, results: readonly CaseResult[], milliseconds?: number): string {
  const counts = new Map<Verdict, number>();
  for (const result of results) counts.set(result.verdict, (counts.get(result.verdict) ?? 0) + 1);
  const lines = [
    `${title}: ${results.length} cases: ${[...counts].map(([verdict, count]) => `${verdict} ${count}`).join(', ')}` +
      (milliseconds === undefined ? '' : ` in ${(milliseconds / 1000).toFixed(1)} s`),
  ];
  for (const result of results) {
    if (result.verdict === 'OK') continue;
    lines.push(`  ${result.id} ${result.verdict}: ${result.problems.join('; ')}`);
  }
  return lines.join('\n');
}

/** Writes the results to `<directory>/.test-results/fuzzing-<name>.json`. */
export function writeResults(directory: string, name: string, results: readonly CaseResult[]): void {
  const folder = join(directory, '.test-results');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `fuzzing-${name}.json`), `${JSON.stringify(results, null, 1)}\n`);
}
