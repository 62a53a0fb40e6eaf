// Strict wire-order cases (apps/echo-server/test/strict-cases.ts) in the client role: the Autobahn
// client, as a child process on Node and on Bun, against a raw fuzzing server that writes each
// case's frames in one write and judges the exact bytes the client sends back.
import { fileURLToPath } from 'node:url';
import { StrictFuzzingServer, strictCases } from '@wskit/echo-server/strict-cases';
import { runApp } from '@wskit/echo-server/testing';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('strict wire-order cases, client role', () => {
  for (const runtime of ['node', 'bun'] as const) {
    it(`every case is strict OK with --runtime ${runtime}`, async () => {
      const server = new StrictFuzzingServer(strictCases);
      const base = await server.listen();
      try {
        const app = runApp(MAIN, ['--base', base, '--runtime', runtime, '--case-timeout', '10000']);
        await app.exited;
        const results = Object.fromEntries(server.results);
        expect(Object.keys(results)).toEqual(strictCases.map((testCase) => testCase.id));
        for (const testCase of strictCases)
          expect([testCase.id, results[testCase.id]]).toEqual([testCase.id, []]);
      } finally {
        await server.close();
      }
    }, 120_000);
  }
});
