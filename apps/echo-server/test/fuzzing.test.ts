// Autobahn|Testsuite cases 1–10 (test/fuzzing/) against the echo server, on Node and on Bun: the
// server role. The client role runs in apps/autobahn-client/test/fuzzing.test.ts. Each case writes
// its frames as the suite does (one chop where the suite sends in one chop) and is judged strictly.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer } from './echo-helpers.ts';
import {
  type CaseResult,
  checkResult,
  defaultScale,
  extraCases,
  fuzzCases,
  runAgainstServer,
  summarize,
  writeResults,
} from './strict-cases.ts';

const cases = [...fuzzCases(defaultScale()), ...extraCases()];
const HERE = fileURLToPath(new URL('..', import.meta.url));

for (const runtime of ['node', 'bun'] as const) {
  describe(`Autobahn cases 1–10, server role, --runtime ${runtime}`, () => {
    let url: string;
    const results: CaseResult[] = [];
    let started = 0;
    beforeAll(async () => {
      ({ url } = await startEchoServer(['--autobahn', '--runtime', runtime], { until: 'file' }));
      started = performance.now();
    }, 60_000);
    afterAll(() => {
      writeResults(HERE, `server-${runtime}`, results);
      process.stdout.write(`${summarize(`server role, ${runtime}`, results, performance.now() - started)}\n`);
    });

    for (const testCase of cases) {
      it(`${testCase.id}: ${testCase.description}`, async () => {
        const result = await runAgainstServer(url, testCase);
        results.push(result);
        expect(checkResult(result, testCase.informational ?? false)).toEqual([]);
      }, 90_000);
    }
  });
}
