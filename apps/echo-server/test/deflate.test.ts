// `--deflate`: permessage-deflate (RFC 7692) through @wskit/node's `perMessageDeflate` option. Runs
// once @wskit/node has that option; until then `--deflate` is refused (test/cli.test.ts).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { DefaultServerOptions } from '@wskit/node';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type RawData } from 'ws';
import { sameBytes, startEchoServer } from './echo-helpers.ts';

const MiB = 1024 * 1024;
const deflateAvailable = 'perMessageDeflate' in DefaultServerOptions;

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return once(ws, 'message').then(([data, isBinary]) => ({
    data: data as RawData as Buffer,
    isBinary: isBinary as boolean,
  }));
}

describe.runIf(deflateAvailable)('echo server --deflate', () => {
  let url: string;
  let output: () => string;
  beforeAll(async () => {
    const started = await startEchoServer(['--autobahn', '--deflate'], { until: 'file' });
    url = started.url;
    output = started.app.output;
  });

  it('says so in its startup line', () => {
    expect(output()).toContain('(node; 64 MiB messages, 100000 fragments; permessage-deflate)');
  });

  it('accepts permessage-deflate and echoes compressed messages, fragmented and 16 MiB ones too', async () => {
    const ws = new WebSocket(url, { perMessageDeflate: { threshold: 0 }, maxPayload: 64 * MiB });
    await once(ws, 'open');
    expect(ws.extensions).toContain('permessage-deflate');
    const cases: [Buffer, boolean][] = [
      [Buffer.from('compress me '.repeat(10_000)), false],
      [randomBytes(100_000), true],
      [Buffer.from(''), false],
      [Buffer.from('é'.repeat(8 * MiB)), false],
    ];
    for (const [payload, binary] of cases) {
      const echoed = nextMessage(ws);
      ws.send(payload, { binary, compress: true });
      const { data, isBinary } = await echoed;
      expect(isBinary).toBe(binary);
      expect(sameBytes(data, payload)).toBe(true);
    }
    const fragmented = Buffer.from('fragmented and compressed '.repeat(1000));
    const echoed = nextMessage(ws);
    ws.send(fragmented.subarray(0, 10_000), { fin: false, binary: false, compress: true });
    ws.send(fragmented.subarray(10_000), { fin: true, binary: false, compress: true });
    expect(sameBytes((await echoed).data, fragmented)).toBe(true);
    const closed = once(ws, 'close');
    ws.close(1000);
    expect((await closed)[0]).toBe(1000);
  });

  it('still talks to clients that offer no compression', async () => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await once(ws, 'open');
    expect(ws.extensions).toBe('');
    const echoed = nextMessage(ws);
    ws.send('plain');
    expect(String((await echoed).data)).toBe('plain');
    ws.close(1000);
    await once(ws, 'close');
  });
});
