/**
 * The sessions' shared flush batch (one `setImmediate` per turn for every session's queued sends,
 * `runInTurnBatch` in src/session.ts): a flush that throws is reported as an uncaught exception,
 * as its own Immediate would have been, and the other sessions of the batch still flush. Runs in a
 * child process (the built package), because vitest fails a run on any uncaught exception.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModule } from '@wskit/tooling/child-module';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

// Session A writes to a transport whose `write` throws (a broken transport, or a `drain` listener
// that throws inside a flush); session B, queued behind it in the same turn, writes to a working
// in-memory pair. Prints what happened as JSON lines.
const script = `
import { openWebSocket } from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
process.on('uncaughtException', (error) => say({ uncaught: error.message }));
const broken = {
  start() {}, bufferedAmount: 0, pause() {}, resume() {}, end() {}, close() {}, abort() {},
  write() { throw new Error('write failed in session A'); },
};
const a = openWebSocket(broken, { role: 'server' });
const { client, server } = createTransportPair();
const b = openWebSocket(server, { role: 'server' });
const peer = openWebSocket(client, { role: 'client' });
peer.on('message', (data) => { say({ delivered: data }); process.exit(0); });
void a.send('to A').catch(() => {});
void b.send('to B');
setTimeout(() => { say({ timeout: true }); process.exit(1); }, 2000);
`;

describe('the shared flush batch', () => {
  it('reports a flush that throws as an uncaught exception, and the other sessions still flush', () => {
    const output = runModule(packageDir, script);
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([{ uncaught: 'write failed in session A' }, { delivered: 'to B' }]);
  });
});
