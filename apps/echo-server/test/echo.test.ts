// The echo server as a child process, talked to with @wskit/node's client: every message comes back
// with its type and bytes; limits, pings and close codes behave as an Autobahn run expects.
import { randomBytes } from 'node:crypto';
import { connect } from '@wskit/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { LARGE_LIMITS, nextMessage, sameBytes, startEchoServer } from './echo-helpers.ts';

const MiB = 1024 * 1024;

describe('echo server (default limits)', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startEchoServer([], { until: 'file' }));
  });

  it('echoes text as text and binary as binary, 0 B included', async () => {
    const ws = await connect(url, { proxy: false });
    const binary = Uint8Array.from({ length: 300 }, (_, index) => index % 256);
    for (const message of ['hello', '', '\uFEFFBOM kept, é, 日本, 🎉', binary, new Uint8Array(0)]) {
      const echoed = nextMessage(ws);
      await ws.send(message);
      const received = await echoed;
      if (typeof message === 'string') {
        expect(received).toBe(message);
      } else {
        expect(received).toBeInstanceOf(Uint8Array);
        expect(sameBytes(received as Uint8Array, message)).toBe(true);
      }
    }
    ws.close(1000);
    expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });
  });

  it('echoes 1000 pipelined messages in order', async () => {
    const ws = await connect(url, { proxy: false });
    const received: (string | Uint8Array)[] = [];
    const all = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        received.push(data);
        if (received.length === 1000) resolve();
      }),
    );
    for (let index = 0; index < 1000; index++) {
      void ws.send(index % 2 === 0 ? `text ${index}` : new Uint8Array([index & 0xff, index >> 8]));
    }
    await all;
    received.forEach((data, index) => {
      if (index % 2 === 0) expect(data).toBe(`text ${index}`);
      else expect([...(data as Uint8Array)]).toEqual([index & 0xff, index >> 8]);
    });
    ws.close(1000);
    await ws.closed;
  });

  it('echoes fragmented messages whole, text split inside a code point', async () => {
    const ws = await connect(url, { proxy: false });
    const text = new TextEncoder().encode('fragments: é 🎉 done');
    const echoedText = nextMessage(ws);
    const stream = ws.stream('text');
    await stream.write(text.subarray(0, 13)); // 'é' is bytes 11-12, '🎉' 14-17: split it
    await stream.write(text.subarray(13, 16));
    await stream.end(text.subarray(16));
    expect(await echoedText).toBe('fragments: é 🎉 done');

    const binary = randomBytes(4000);
    const echoedBinary = nextMessage(ws);
    const binaryStream = ws.stream('binary');
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < 4000; offset += 100) {
      writes.push(binaryStream.write(binary.subarray(offset, offset + 100)));
    }
    writes.push(binaryStream.end());
    await Promise.all(writes);
    expect(sameBytes((await echoedBinary) as Uint8Array, binary)).toBe(true);
    ws.close(1000);
    await ws.closed;
  });

  it('answers pings with their payload', async () => {
    const ws = await connect(url, { proxy: false });
    for (const payload of ['', 'are you there', 'x'.repeat(125)]) {
      const pong = new Promise<Uint8Array>((resolve) => ws.once('pong', resolve));
      await ws.ping(payload);
      expect(new TextDecoder().decode(await pong)).toBe(payload);
    }
    ws.close(1000);
    await ws.closed;
  });

  for (const [code, reason] of [
    [1000, 'done'],
    [1001, ''],
    [3000, 'registered'],
    [4999, 'private use'],
  ] as const) {
    it(`answers a close with ${code} with the same code`, async () => {
      const ws = await connect(url, { proxy: false });
      ws.close(code, reason);
      expect(await ws.closed).toMatchObject({ code, wasClean: true });
    });
  }

  it('answers an empty close frame with an empty one (1005 No Status Received)', async () => {
    const ws = await connect(url, { proxy: false });
    ws.close();
    expect(await ws.closed).toMatchObject({ code: 1005, wasClean: true });
  });

  it('takes exactly 16 MiB by default and closes with 1009 above', async () => {
    const ws = await connect(url, { proxy: false, ...LARGE_LIMITS });
    const payload = randomBytes(16 * MiB);
    const echoed = nextMessage(ws);
    await ws.send(payload);
    expect(sameBytes((await echoed) as Uint8Array, payload)).toBe(true);
    void ws.send(randomBytes(16 * MiB + 1));
    expect(await ws.closed).toMatchObject({ code: 1009 });
  });

  it('takes 4096 fragments by default and closes with 1009 above', async () => {
    const ws = await connect(url, { proxy: false });
    const stream = ws.stream('binary');
    for (let index = 0; index < 4100; index++) void stream.write(new Uint8Array([index & 0xff]));
    void stream.end();
    expect(await ws.closed).toMatchObject({ code: 1009 });
  });

  // Wire order: the engine announces the peer's close behind the messages of the same read and
  // writes its reply only after the session's close step, once these were echoed (Autobahn 7.1.x).
  it('echoes a message that arrives in the same read as the close frame, before the close reply', async () => {
    const ws = await connect(url, { proxy: false });
    const received: (string | Uint8Array)[] = [];
    ws.on('message', (data) => received.push(data));
    void ws.send('last words'); // the session writes these and the close frame in one write
    ws.close(1000);
    expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });
    expect(received).toEqual(['last words']);
  });
});

describe('echo server --autobahn', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startEchoServer(['--autobahn'], { until: 'file' }));
  });

  it('echoes 16 MiB text and binary messages, and more than 16 MiB', async () => {
    const ws = await connect(url, { proxy: false, ...LARGE_LIMITS });
    const text = 'é'.repeat(8 * MiB); // 16 MiB of UTF-8, as Autobahn case 9.1.6 sends
    const echoedText = nextMessage(ws);
    await ws.send(text);
    expect((await echoedText) === text).toBe(true);
    for (const size of [16 * MiB, 20 * MiB]) {
      const payload = randomBytes(size);
      const echoed = nextMessage(ws);
      await ws.send(payload);
      expect(sameBytes((await echoed) as Uint8Array, payload)).toBe(true);
    }
    ws.close(1000);
    expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });
  });

  it('echoes a message in more fragments than the default 4096', async () => {
    const ws = await connect(url, { proxy: false, ...LARGE_LIMITS });
    const payload = randomBytes(5000 * 64);
    const echoed = nextMessage(ws);
    const stream = ws.stream('binary');
    const writes: Promise<void>[] = [];
    for (let offset = 0; offset < payload.length; offset += 64) {
      writes.push(stream.write(payload.subarray(offset, offset + 64)));
    }
    writes.push(stream.end());
    await Promise.all(writes);
    expect(sameBytes((await echoed) as Uint8Array, payload)).toBe(true);
    ws.close(1000);
    await ws.closed;
  });

  it('closes with 1009 above 64 MiB', async () => {
    const ws = await connect(url, { proxy: false });
    void ws.send(new Uint8Array(64 * MiB + 1));
    expect(await ws.closed).toMatchObject({ code: 1009 });
  });
});

describe('echo server --max-message-size --max-fragments', () => {
  it('applies both', async () => {
    const { url } = await startEchoServer(['--max-message-size', '1KiB', '--max-fragments', '3']);
    const ws = await connect(url, { proxy: false });
    const echoed = nextMessage(ws);
    await ws.send(new Uint8Array(1024));
    expect(((await echoed) as Uint8Array).byteLength).toBe(1024);
    const fragmented = nextMessage(ws);
    const stream = ws.stream('text');
    void stream.write('a');
    void stream.write('b');
    await stream.end('c');
    expect(await fragmented).toBe('abc');
    void ws.send(new Uint8Array(1025));
    expect(await ws.closed).toMatchObject({ code: 1009 });

    const again = await connect(url, { proxy: false });
    const tooMany = again.stream('text');
    for (const part of ['a', 'b', 'c']) void tooMany.write(part);
    void tooMany.end('d');
    expect(await again.closed).toMatchObject({ code: 1009 });
  });
});
