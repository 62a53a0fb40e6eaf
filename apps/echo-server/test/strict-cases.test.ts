// Strict wire-order cases (see strict-cases.ts) against the echo server, on Node and on Bun: the
// server role. The client role runs in apps/autobahn-client/test/strict-cases.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoServer } from './echo-helpers.ts';
import { runAgainstServer, strictCases } from './strict-cases.ts';

for (const runtime of ['node', 'bun'] as const) {
  describe(`strict wire-order cases, server role, --runtime ${runtime}`, () => {
    let url: string;
    beforeAll(async () => {
      ({ url } = await startEchoServer(['--autobahn', '--runtime', runtime], { until: 'file' }));
    }, 60_000);
    afterAll(() => {});

    for (const testCase of strictCases) {
      it(`${testCase.id}: ${testCase.description}`, async () => {
        expect(await runAgainstServer(url, testCase)).toEqual([]);
      });
    }
  });
}
