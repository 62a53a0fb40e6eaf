// The fuzzing harness judged against a reference: `ws`, whose Autobahn|Testsuite results are known
// (every case of 1–10 OK but 6.4.1–6.4.4, NON-STRICT: it checks UTF-8 only once a frame or message
// is whole, not as bytes arrive), and `ws` with its UTF-8 validation off, which the harness must fail.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { fuzzCases } from './cases.ts';
import { runAgainstServer } from './endpoints.ts';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function wsEcho(options: { skipUTF8Validation?: boolean; late?: boolean } = {}): Promise<string> {
  const { late = false, ...serverOptions } = options;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    maxPayload: 64 * 1024 * 1024,
    ...serverOptions,
  });
  servers.push(server);
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => {
      if (!late) socket.send(data, { binary: isBinary });
      // A turn of the event loop late: what an endpoint that fails or closes before the
      // application saw the messages of the same read looks like from the wire.
      else setTimeout(() => socket.send(data, { binary: isBinary }, () => {}), 5);
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

describe('the harness, on ws', () => {
  it('judges ws as Autobahn does: OK but 6.4.x NON-STRICT, 7.1.6 and 7.13.x INFORMATIONAL', async () => {
    const url = await wsEcho();
    const verdicts: Record<string, string> = {};
    for (const testCase of fuzzCases(1 / 64)) {
      if (testCase.id.startsWith('9.7') || testCase.id.startsWith('9.8')) continue; // 12 000 round trips
      const result = await runAgainstServer(url, testCase);
      if (result.verdict !== 'OK') verdicts[result.id] = `${result.verdict} ${result.problems.join('; ')}`;
    }
    expect(Object.keys(verdicts)).toEqual(['6.4.1', '6.4.2', '6.4.3', '6.4.4', '7.1.6', '7.13.1', '7.13.2']);
    expect(verdicts['6.4.1']).toBe(
      'NON-STRICT got [pong 1 B 41, pong 1 B 42], expected [pong 1 B 41] (NON-STRICT: [pong 1 B 41, pong 1 B 42])',
    );
    expect(verdicts['6.4.3']).toMatch(/^NON-STRICT got \[timeout A, timeout B\]/);
    expect(verdicts['7.13.1']).toBe('INFORMATIONAL got [], close 1002 in reply');
  }, 60_000);

  it('fails ws without UTF-8 validation on invalid text: the echo, and no 1007', async () => {
    const url = await wsEcho({ skipUTF8Validation: true });
    const cases = fuzzCases(1 / 64).filter((testCase) => ['6.3.1', '6.8.1', '7.5.1'].includes(testCase.id));
    const results = await Promise.all(cases.map((testCase) => runAgainstServer(url, testCase)));
    expect(results.map((result) => result.verdict)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(results[0]!.problems).toContain('a text message that is not UTF-8');
    expect(results[2]!.problems.join()).toMatch(/close 1000 in reply, expected 1002 or 1007/);
  }, 30_000);
});

describe('the harness, on a server that echoes a turn late', () => {
  it('sees the wire-order gap: the message before a bad frame or a close is not echoed', async () => {
    const url = await wsEcho({ late: true });
    const ids = ['1.1.2', '3.2', '4.1.3', '4.2.4', '5.15', '7.1.1']; // in the suite's order
    const cases = fuzzCases(1 / 64).filter((testCase) => ids.includes(testCase.id));
    const verdicts = await Promise.all(
      cases.map(async (testCase) => (await runAgainstServer(url, testCase)).verdict),
    );
    expect(verdicts).toEqual(['OK', 'NON-STRICT', 'NON-STRICT', 'NON-STRICT', 'NON-STRICT', 'FAILED']);
  }, 30_000);
});
