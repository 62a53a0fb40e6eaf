// The echo server as a child process, talked to with ws (a client wskit shares no code with): types,
// bytes, fragments, pings, close codes, and the protocol errors a fuzzing client sends.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { type RawData } from 'ws';
import { sameBytes, startEchoServer } from './echo-helpers.ts';

const MiB = 1024 * 1024;

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { maxPayload: 64 * MiB });
  await once(ws, 'open');
  return ws;
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return once(ws, 'message').then(([data, isBinary]) => ({
    data: data as RawData as Buffer,
    isBinary: isBinary as boolean,
  }));
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
}

describe('echo server with a ws client', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startEchoServer(['--autobahn'], { until: 'file' }));
  });

  it('echoes text as text and binary as binary, 0 B included', async () => {
    const ws = await open(url);
    const cases: [string | Buffer, boolean][] = [
      ['hello', false],
      ['', false],
      ['é 日本 🎉', false],
      [randomBytes(1000), true],
      [Buffer.alloc(0), true],
    ];
    for (const [payload, binary] of cases) {
      const echoed = nextMessage(ws);
      ws.send(payload, { binary });
      const { data, isBinary } = await echoed;
      expect(isBinary).toBe(binary);
      expect(sameBytes(data, typeof payload === 'string' ? Buffer.from(payload) : payload)).toBe(true);
    }
    const done = closed(ws);
    ws.close(1000, 'bye');
    expect((await done).code).toBe(1000);
  });

  it('echoes 16 MiB text and binary', async () => {
    const ws = await open(url);
    const text = Buffer.from(`${'€'.repeat((16 * MiB - 1) / 3)}a`); // 16 MiB of UTF-8 exactly
    expect(text.length).toBe(16 * MiB);
    const binary = randomBytes(16 * MiB);
    for (const [payload, binaryFlag] of [
      [text, false],
      [binary, true],
    ] as const) {
      const echoed = nextMessage(ws);
      ws.send(payload, { binary: binaryFlag });
      const { data, isBinary } = await echoed;
      expect(isBinary).toBe(binaryFlag);
      expect(sameBytes(data, payload)).toBe(true);
    }
    ws.close(1000);
    await closed(ws);
  });

  it('echoes fragmented messages, with a ping between the fragments', async () => {
    const ws = await open(url);
    const text = Buffer.from('split é here');
    const echoed = nextMessage(ws);
    const pong = once(ws, 'pong');
    ws.send(text.subarray(0, 7), { fin: false, binary: false }); // ends inside 'é'
    ws.ping('between');
    ws.send(text.subarray(7), { fin: true, binary: false });
    expect(String((await pong)[0])).toBe('between');
    const { data, isBinary } = await echoed;
    expect(isBinary).toBe(false);
    expect(String(data)).toBe('split é here');

    const binary = randomBytes(10_000);
    const echoedBinary = nextMessage(ws);
    for (let offset = 0; offset < binary.length; offset += 1000) {
      ws.send(binary.subarray(offset, offset + 1000), { fin: offset + 1000 >= binary.length, binary: true });
    }
    const result = await echoedBinary;
    expect(result.isBinary).toBe(true);
    expect(sameBytes(result.data, binary)).toBe(true);
    ws.close(1000);
    await closed(ws);
  });

  it('echoes 4 MiB sent in 64-byte fragments (65 536 frames, as Autobahn case 9.3.1)', async () => {
    const ws = await open(url);
    const payload = randomBytes(4 * MiB);
    const echoed = nextMessage(ws);
    for (let offset = 0; offset < payload.length; offset += 64) {
      ws.send(payload.subarray(offset, offset + 64), { fin: offset + 64 >= payload.length, binary: true });
    }
    const { data, isBinary } = await echoed;
    expect(isBinary).toBe(true);
    expect(sameBytes(data, payload)).toBe(true);
    ws.close(1000);
    await closed(ws);
  });

  it('stops reading while a client does not read its echoes, then echoes everything in order', async () => {
    const ws = await open(url);
    ws.pause(); // read nothing: the server's echoes pile up in the sockets
    const count = 64;
    for (let index = 0; index < count; index++) {
      const payload = Buffer.alloc(MiB, index);
      ws.send(payload, { binary: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Without backpressure the server would have read all 64 MiB by now and kept the echoes itself.
    expect(ws.bufferedAmount).toBeGreaterThan(16 * MiB);
    const received: Buffer[] = [];
    const all = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        received.push(data);
        if (received.length === count) resolve();
      }),
    );
    ws.resume();
    await all;
    received.forEach((data, index) => {
      expect(data.length).toBe(MiB);
      expect(data[0]).toBe(index);
      expect(data[MiB - 1]).toBe(index);
    });
    ws.close(1000);
    await closed(ws);
  });

  it('answers pings with their payload', async () => {
    const ws = await open(url);
    const payload = randomBytes(125);
    const pong = once(ws, 'pong');
    ws.ping(payload);
    expect(sameBytes((await pong)[0] as Buffer, payload)).toBe(true);
    ws.close(1000);
    await closed(ws);
  });

  for (const code of [1000, 1001, 1003, 3000, 4000]) {
    it(`answers a close with ${code} with ${code}`, async () => {
      const ws = await open(url);
      const done = closed(ws);
      ws.close(code, 'reason text');
      expect((await done).code).toBe(code);
    });
  }

  it('answers a close frame without a code with 1005', async () => {
    const ws = await open(url);
    const done = closed(ws);
    ws.close();
    expect((await done).code).toBe(1005);
  });

  it('closes with 1007 on invalid UTF-8 in a text message', async () => {
    const ws = await open(url);
    const done = closed(ws);
    ws.send(Buffer.from([0x68, 0xc3, 0x28]), { binary: false }); // ws does not check what it sends
    expect((await done).code).toBe(1007);
  });

  it('closes with 1007 on invalid UTF-8 in the first fragment, before the message ends', async () => {
    const ws = await open(url);
    const done = closed(ws);
    ws.send(Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xf4, 0x90]), {
      fin: false,
      binary: false,
    }); // Autobahn case 6.4.1: a code point above U+10FFFF; the message never ends
    expect((await done).code).toBe(1007);
  });

  it('closes with 1002 on an invalid close code (1004)', async () => {
    const ws = await open(url);
    const done = closed(ws);
    // ws refuses to send 1004 itself: write the masked close frame on its socket.
    const frame = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xec]);
    (ws as unknown as { _socket: { write(data: Buffer): void } })._socket.write(frame);
    expect((await done).code).toBe(1002);
  });
});
