/// <reference types="node" />
/**
 * Safety limits: decompression bombs stop at maxMessageSize while inflating (1009), corrupt data is
 * a 1007 close and never a crash, zlib work is limited across connections, small messages and
 * opted-out messages skip zlib, and a runtime without zlib says so when permessage-deflate is created.
 */
import * as nodeZlib from 'node:zlib';
import { isCodecError } from '@wskit/codec';
import { perMessageDeflate, type ZlibModule, type ZlibStream } from '@wskit/permessage-deflate';
import {
  Connection,
  type ConnectionEvent,
  type ConnectionExtension,
  type ExtensionContext,
  type ExtensionMessage,
} from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { random } from './data.js';
import { clientFrame, DeflatePipe, hex, tick } from './helpers.js';

/** node:zlib, counting what the inflaters produce and how many zlib writes run at once. */
function countingZlib() {
  const stats = { inflated: 0, inFlight: 0, maxInFlight: 0, streams: 0 };
  const wrap = (stream: ZlibStream, inflate: boolean): ZlibStream => {
    stats.streams++;
    if (inflate) stream.on('data', (chunk: Uint8Array) => (stats.inflated += chunk.byteLength));
    const write = stream.write.bind(stream);
    stream.write = (chunk, callback) => {
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      return write(chunk, (error) => {
        stats.inFlight--;
        callback(error);
      });
    };
    return stream;
  };
  const zlib: ZlibModule = {
    createDeflateRaw: (options) => wrap(nodeZlib.createDeflateRaw(options), false),
    createInflateRaw: (options) => wrap(nodeZlib.createInflateRaw(options), true),
  };
  return { zlib, stats };
}

const context = (maxMessageSize = 1 << 24): ExtensionContext => ({ role: 'client', maxMessageSize });

async function compress(data: Uint8Array): Promise<Uint8Array> {
  const extension = perMessageDeflate({ threshold: 0 }).createExtension([], 'client');
  const message = await extension.encodeMessage!({ type: 'binary', data, rsv: 0 }, context());
  extension.dispose?.();
  return message.data;
}

/** A server engine with permessage-deflate; resolves its events once the close event arrived. */
async function serverReceiving(
  frames: Uint8Array,
  options: { maxMessageSize?: number; zlib?: ZlibModule; agreed?: [string, string | true][] } = {},
) {
  const deflate = perMessageDeflate(options.zlib ? { zlib: options.zlib } : {});
  let now = 0;
  const connection = new Connection({
    role: 'server',
    clock: () => now++,
    maxMessageSize: options.maxMessageSize,
    extensions: [deflate.createExtension(options.agreed ?? [], 'server')],
  });
  connection.receiveData(frames);
  const events: ConnectionEvent[] = [];
  for (let i = 0; i < 2000 && !events.some((event) => event.type === 'close'); i++) {
    events.push(...connection.events());
    connection.dataToSend(); // as an I/O layer does after the events: writes a due close frame
    events.push(...connection.events());
    if (!events.some((event) => event.type === 'close')) await tick();
  }
  return { connection, events };
}

describe('decompression limit', () => {
  it('64 MiB of zeros in a 64 KiB message, maxMessageSize 1 MiB: 1009, and inflating stops early', async () => {
    const bomb = await compress(new Uint8Array(64 << 20));
    expect(bomb.byteLength).toBeLessThan(80_000);
    const { zlib, stats } = countingZlib();
    const { connection, events } = await serverReceiving(clientFrame(0x2, bomb, 0x40), {
      maxMessageSize: 1 << 20,
      zlib,
    });
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ error: { code: 'WS_ERR_MESSAGE_TOO_LARGE', closeCode: 1009 } });
    expect(events.at(-1)).toMatchObject({ type: 'close', code: 1009, wasClean: false });
    expect(connection.closeSent?.code).toBe(1009);
    expect(events.some((event) => event.type === 'message')).toBe(false);
    // zlib was stopped within a chunk or two of the limit, not after 64 MiB.
    await tick();
    expect(stats.inflated).toBeLessThanOrEqual((1 << 20) + 2 * 16 * 1024);
  });

  it('a message of exactly maxMessageSize passes; one byte more is 1009', async () => {
    const limit = 100_000;
    const exact = await compress(new Uint8Array(limit).fill(7));
    const passed = await serverReceiving(
      new Uint8Array([...clientFrame(0x2, exact, 0x40), ...clientFrame(0x8, Uint8Array.of(3, 232))]),
      { maxMessageSize: limit },
    );
    expect(passed.events.find((event) => event.type === 'message')).toMatchObject({
      data: { length: limit },
    });
    expect(passed.events.at(-1)).toMatchObject({ type: 'close', code: 1000 });
    const over = await compress(new Uint8Array(limit + 1).fill(7));
    const failed = await serverReceiving(clientFrame(0x2, over, 0x40), { maxMessageSize: limit });
    expect(failed.events.at(-1)).toMatchObject({ type: 'close', code: 1009 });
  });
});

describe('corrupt data', () => {
  it('an invalid block type is a 1007 close with a codec error, not a crash', async () => {
    const { connection, events } = await serverReceiving(clientFrame(0x1, hex('ff ff ff ff'), 0x40));
    const error = events.find((event) => event.type === 'error');
    expect(error && error.type === 'error' && isCodecError(error.error)).toBe(true);
    expect(error).toMatchObject({
      error: { closeCode: 1007, message: 'Invalid compressed data: invalid block type' },
    });
    expect(connection.closeSent?.code).toBe(1007);
    expect(events.at(-1)).toMatchObject({ type: 'close', code: 1007, wasClean: false });
  });

  it('a reference back into a previous message after the peer promised no context takeover: 1007', async () => {
    // The client compresses "Hello" twice with context takeover; the server was told it would not.
    const frames = hex('c1 87 00000000 f2 48 cd c9 c9 07 00  c1 85 00000000 f2 00 11 00 00');
    const { events } = await serverReceiving(frames, { agreed: [['client_no_context_takeover', true]] });
    expect(events.filter((event) => event.type === 'message')).toEqual([
      { type: 'message', messageType: 'text', data: 'Hello' },
    ]);
    expect(events.find((event) => event.type === 'error')).toMatchObject({
      error: { closeCode: 1007, message: 'Invalid compressed data: invalid distance too far back' },
    });
  });

  it('inflated bytes that are not UTF-8 in a text message: 1007', async () => {
    const payload = await compress(Uint8Array.of(0xff, 0xfe, 0xfd));
    const { events } = await serverReceiving(clientFrame(0x1, payload, 0x40));
    expect(events.at(-1)).toMatchObject({ type: 'close', code: 1007 });
  });

  it('a failure with sends and decodes in flight settles everything, and the limiter goes on', async () => {
    const deflate = perMessageDeflate({ threshold: 0, concurrencyLimit: 1 });
    let now = 0;
    const connection = new Connection({
      role: 'server',
      clock: () => now++,
      extensions: [deflate.createExtension([], 'server')],
    });
    for (let i = 0; i < 5; i++) connection.sendText('x'.repeat(10_000));
    connection.receiveData(clientFrame(0x1, hex('ff ff ff ff'), 0x40));
    connection.receiveData(clientFrame(0x1, hex('f2 48 cd c9 c9 07 00'), 0x40));
    const events: ConnectionEvent[] = [];
    for (let i = 0; i < 200 && !events.some((event) => event.type === 'close'); i++) {
      events.push(...connection.events());
      await tick();
    }
    expect(events.at(-1)).toMatchObject({ type: 'close', code: 1007 });
    // The same instance (limit 1) still compresses for another connection: no place was leaked.
    const other = deflate.createExtension([], 'client');
    const message: ExtensionMessage = { type: 'text', data: new Uint8Array(2000), rsv: 0 };
    await expect(Promise.resolve(other.encodeMessage!(message, context()))).resolves.toMatchObject({
      rsv: 0x40,
    });
  });
});

describe('what skips zlib', () => {
  const extension = (options = {}): ConnectionExtension =>
    perMessageDeflate(options).createExtension([], 'client');

  it('a message under the threshold is returned as it is, synchronously', () => {
    const message: ExtensionMessage = { type: 'text', data: new Uint8Array(1023), rsv: 0 };
    expect(extension().encodeMessage!(message, context())).toBe(message);
    const custom: ExtensionMessage = { type: 'binary', data: new Uint8Array(99), rsv: 0 };
    expect(extension({ threshold: 100 }).encodeMessage!(custom, context())).toBe(custom);
  });

  it('a message marked compress: false is returned as it is, whatever its size', () => {
    const message = { type: 'binary' as const, data: new Uint8Array(100_000), rsv: 0, compress: false };
    expect(extension().encodeMessage!(message, context())).toBe(message);
  });

  it("Connection.sendBinary(data, { compress: false }) reaches the extension: that frame's RSV1 is clear", async () => {
    let now = 0;
    const client = new Connection({
      role: 'server', // unmasked frames: the first header byte is easy to read
      clock: () => now++,
      extensions: [perMessageDeflate({ threshold: 0 }).createExtension([], 'server')],
    });
    const data = new Uint8Array(8192).fill(7);
    client.sendBinary(data, { compress: false });
    client.sendBinary(data);
    // Compression runs on zlib's thread pool: collect output until both frames are out.
    const wire: Uint8Array[] = [];
    const bytes = () => wire.reduce((total, part) => total + part.length, 0);
    for (let waited = 0; waited < 10_000; waited += 5) {
      wire.push(...client.dataToSend());
      if (bytes() > 4 + 8192 + 2) break; // the second frame's header and some payload are out
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const flat = new Uint8Array(bytes());
    let offset = 0;
    for (const part of wire) {
      flat.set(part, offset);
      offset += part.length;
    }
    // First frame: FIN + binary, no RSV1, the 8192 bytes as they are (16-bit length: 4-byte header).
    expect(flat[0]).toBe(0x82);
    expect(flat.subarray(4, 4 + 8192)).toEqual(data);
    expect(flat[4 + 8192]).toBe(0xc2); // second frame: FIN + RSV1 + binary, compressed
    expect(flat.length).toBeLessThan(2 * 8192);
  });

  it('compress: true and no flag let the threshold decide', async () => {
    const flagged = { type: 'binary' as const, data: new Uint8Array(5000), rsv: 0, compress: true };
    await expect(extension().encodeMessage!(flagged, context())).resolves.toMatchObject({ rsv: 0x40 });
  });

  it('with no context takeover, incompressible data goes out as it is', async () => {
    const next = random(1);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(next() * 256));
    const message: ExtensionMessage = { type: 'binary', data: noise, rsv: 0 };
    const reset = perMessageDeflate({ threshold: 0 }).createExtension(
      [['client_no_context_takeover', true]],
      'client',
    );
    expect(await reset.encodeMessage!(message, context())).toBe(message);
    const kept = perMessageDeflate({ threshold: 0 }).createExtension([], 'client');
    expect(await kept.encodeMessage!(message, context())).toMatchObject({ rsv: 0x40 });
  });
});

describe('concurrency limit', () => {
  it('concurrencyLimit bounds the zlib operations of all connections of an instance', async () => {
    const { zlib, stats } = countingZlib();
    const deflate = perMessageDeflate({ zlib, threshold: 0, concurrencyLimit: 2 });
    const data = new Uint8Array(200_000).fill(1);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        deflate.createExtension([], 'server').encodeMessage!({ type: 'binary', data, rsv: 0 }, context()),
      ),
    );
    expect(results.every((result) => result.rsv === 0x40)).toBe(true);
    expect(stats.maxInFlight).toBe(2);
  });

  it('instances without the option share one limiter of 10', async () => {
    const { zlib, stats } = countingZlib();
    const data = new Uint8Array(100_000).fill(1);
    const extensions = Array.from({ length: 30 }, (_, i) =>
      perMessageDeflate({ zlib, threshold: 0 }).createExtension([], i % 2 === 0 ? 'server' : 'client'),
    );
    await Promise.all(
      extensions.map((extension) => extension.encodeMessage!({ type: 'binary', data, rsv: 0 }, context())),
    );
    expect(stats.maxInFlight).toBe(10);
  });

  it('dispose rejects the step in flight and frees its place; queued steps of a disposed extension do nothing', async () => {
    const { zlib, stats } = countingZlib();
    const deflate = perMessageDeflate({ zlib, threshold: 0, concurrencyLimit: 1 });
    const message: ExtensionMessage = { type: 'binary', data: new Uint8Array(300_000).fill(2), rsv: 0 };
    const first = deflate.createExtension([], 'server');
    const second = deflate.createExtension([], 'server');
    const running = Promise.resolve(first.encodeMessage!(message, context()));
    const queued = Promise.resolve(second.encodeMessage!(message, context()));
    first.dispose?.();
    second.dispose?.();
    const [ran, waited] = await Promise.allSettled([running, queued]);
    expect(ran).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/closed/) } });
    expect(waited).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringMatching(/closed/) },
    });
    expect(stats.streams).toBe(1); // the queued step never made a zlib stream
    const third = deflate.createExtension([], 'server');
    await expect(Promise.resolve(third.encodeMessage!(message, context()))).resolves.toMatchObject({
      rsv: 0x40,
    });
  });
});

describe('zlib backend', () => {
  it('without node:zlib, perMessageDeflate() throws a clear error; an injected zlib works', () => {
    const runtime = globalThis.process as unknown as { getBuiltinModule: unknown };
    const original = runtime.getBuiltinModule;
    runtime.getBuiltinModule = () => undefined;
    try {
      expect(() => perMessageDeflate()).toThrow(/nodejs_compat/);
      expect(() => perMessageDeflate()).toThrow(/pass a compatible module as the zlib option/);
      expect(perMessageDeflate({ zlib: nodeZlib }).name).toBe('permessage-deflate');
    } finally {
      runtime.getBuiltinModule = original;
    }
  });

  it('streams are made on first use, one per direction', async () => {
    const { zlib, stats } = countingZlib();
    const { pipe } = DeflatePipe.negotiated({ zlib, threshold: 0 }, { zlib, threshold: 0 });
    expect(stats.streams).toBe(0);
    pipe.client.connection.sendText('hello hello hello');
    await pipe.until(() => pipe.messages(pipe.server).length === 1);
    expect(stats.streams).toBe(2); // the client's deflater, the server's inflater
  });
});
