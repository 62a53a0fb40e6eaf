// `--runtime bun`: `node src/main.ts --runtime bun` (what `start` runs) relaunches itself under the
// root `bun` binary, which serves with @wskit/bun; talked to with @wskit/node's client.
import { randomBytes } from 'node:crypto';
import { connect } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { nextMessage, sameBytes, startEchoServer } from './echo-helpers.ts';

describe('echo server --runtime bun (under Bun)', () => {
  it('echoes text, binary and fragmented messages, closes, and stops on SIGTERM', async () => {
    const { app, url } = await startEchoServer(['--runtime', 'bun']);
    expect(app.output()).toContain('(bun; 16 MiB messages, 4096 fragments)');
    const ws = await connect(url, { proxy: false });
    const binary = Uint8Array.from({ length: 300 }, (_, index) => index % 256);
    for (const message of ['hello', '', 'é, 日本, 🎉', binary, new Uint8Array(0), randomBytes(200_000)]) {
      const echoed = nextMessage(ws);
      await ws.send(message);
      const received = await echoed;
      if (typeof message === 'string') expect(received).toBe(message);
      else expect(sameBytes(received as Uint8Array, message)).toBe(true);
    }

    const text = new TextEncoder().encode('fragments: é 🎉 done');
    const echoedText = nextMessage(ws);
    const stream = ws.stream('text');
    await stream.write(text.subarray(0, 13)); // split inside 'é'… and '🎉'
    await stream.write(text.subarray(13, 16));
    await stream.end(text.subarray(16));
    expect(await echoedText).toBe('fragments: é 🎉 done');
    const fragments = randomBytes(4000);
    const echoedBinary = nextMessage(ws);
    const binaryStream = ws.stream('binary');
    for (let offset = 0; offset < 4000; offset += 100) {
      await binaryStream.write(fragments.subarray(offset, offset + 100));
    }
    await binaryStream.end();
    expect(sameBytes((await echoedBinary) as Uint8Array, fragments)).toBe(true);

    ws.close(4000, 'done');
    expect(await ws.closed).toMatchObject({ code: 4000, wasClean: true });

    // The signal reaches the Bun process: open sessions get 1001, and the exit status comes back.
    const open = await connect(url, { proxy: false });
    app.child.kill('SIGTERM');
    expect(await open.closed).toMatchObject({ code: 1001, reason: 'server shutting down' });
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('echo-server: stopped');
  });
});
