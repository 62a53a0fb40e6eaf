// Autobahn|Testsuite cases 1–10 (apps/echo-server/test/fuzzing/) in the client role: the Autobahn
// client, as a child process on Node and on Bun, against the harness's fuzzing server, which writes
// each case's frames as the suite does and judges the exact bytes the client sends back.
import { fileURLToPath } from 'node:url';
import {
  type CaseResult,
  checkResult,
  defaultScale,
  extraCases,
  FuzzingServer,
  fuzzCases,
  summarize,
  writeResults,
} from '@wskit/echo-server/strict-cases';
import { runApp } from '@wskit/echo-server/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const HERE = fileURLToPath(new URL('..', import.meta.url));
const cases = [...fuzzCases(defaultScale()), ...extraCases()];

for (const runtime of ['node', 'bun'] as const) {
  describe(`Autobahn cases 1–10, client role, --runtime ${runtime}`, () => {
    const results = new Map<string, CaseResult>();
    let exit: number | string;
    let milliseconds = 0;
    beforeAll(async () => {
      const server = new FuzzingServer(cases);
      const base = await server.listen();
      const started = performance.now();
      try {
        const app = runApp(MAIN, ['--base', base, '--runtime', runtime, '--case-timeout', '60000']);
        exit = await app.exited;
        milliseconds = performance.now() - started;
      } finally {
        await server.close();
      }
      for (const [id, result] of server.results) results.set(id, result);
      const ordered = cases
        .map((testCase) => results.get(testCase.id))
        .filter((result) => result !== undefined);
      writeResults(HERE, `client-${runtime}`, ordered);
      process.stdout.write(`${summarize(`client role, ${runtime}`, ordered, milliseconds)}\n`);
    }, 180_000);

    it('the client ran every case and exited with 0', () => {
      expect(exit).toBe(0);
      expect([...results.keys()]).toEqual(cases.map((testCase) => testCase.id));
    });
    for (const testCase of cases) {
      it(`${testCase.id}: ${testCase.description}`, () => {
        const result = results.get(testCase.id);
        expect(result, 'not run').toBeDefined();
        expect(checkResult(result!, testCase.informational ?? false)).toEqual([]);
      });
    }
  });
}
