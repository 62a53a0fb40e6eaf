/**
 * Sessions with the real @wskit/permessage-deflate over the in-memory pair: the handshake's
 * negotiation, zlib's asynchronous answers woken through the engine's onWake, the per-message
 * `compress` opt-out, and backpressure while messages are being compressed.
 */
import { acceptServerHandshake, createClientHandshake, type Extension, HeadParser } from '@wskit/handshake';
import {
  type PerMessageDeflate,
  type PerMessageDeflateOptions,
  perMessageDeflate,
} from '@wskit/permessage-deflate';
import { type OpenWebSocketOptions, openWebSocket, type WebSocket } from '@wskit/transport';
import { createTransportPair, type TransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { until } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [0, 1, 1023, 1024, 64 * KiB, MiB];

/** `size` bytes that compress well but differ per position. */
function compressibleBytes(size: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = ((index >> 4) * 7 + seed) & 0x3f;
  return bytes;
}

/** Text of `size` bytes of UTF-8 (ASCII plus two-, three- and four-byte characters). */
function compressibleText(size: number): string {
  const unit = 'deflate é€😀 '; // 16 bytes of UTF-8
  return unit.repeat(Math.floor(size / 16)) + 'x'.repeat(size % 16);
}

/** The agreed permessage-deflate parameters, as the handshake returns them. */
function deflateParams(agreed: readonly Extension[]): Extension['params'] {
  const found = agreed.find((extension) => extension.name === 'permessage-deflate');
  if (found === undefined) throw new Error('permessage-deflate was not agreed');
  return found.params;
}

interface DeflatePair {
  readonly client: WebSocket;
  readonly server: WebSocket;
  readonly transports: TransportPair;
  readonly header: string;
}

/**
 * Both handshakes as an adapter runs them (the negotiators offer, accept and check), then sessions
 * with the engine extensions built from what was agreed.
 */
function deflatePair(
  options: { client?: PerMessageDeflateOptions; server?: PerMessageDeflateOptions } = {},
  session: Partial<OpenWebSocketOptions> = {},
): DeflatePair {
  const clientDeflate: PerMessageDeflate = perMessageDeflate(options.client);
  const serverDeflate: PerMessageDeflate = perMessageDeflate(options.server);
  const handshake = createClientHandshake({ host: 'memory', extensions: [clientDeflate] });
  const request = new HeadParser('request').write(handshake.request.bytes);
  if (!request.done || !request.ok) throw new Error('bad request');
  const accepted = acceptServerHandshake(request.head, { extensions: [serverDeflate] });
  if (!accepted.ok) throw accepted.error;
  const response = new HeadParser('response').write(accepted.response.bytes);
  if (!response.done || !response.ok) throw new Error('bad response');
  const agreement = handshake.validateResponse(response.head);
  if (!agreement.ok) throw agreement.error;
  const header = accepted.response.headers.get('sec-websocket-extensions') ?? '';
  const transports = createTransportPair();
  const server = openWebSocket(transports.server, {
    ...session,
    role: 'server',
    extensions: [serverDeflate.createExtension(deflateParams(accepted.extensions), 'server')],
    extensionsHeader: header,
  });
  const client = openWebSocket(transports.client, {
    ...session,
    role: 'client',
    extensions: [clientDeflate.createExtension(deflateParams(agreement.extensions), 'client')],
    extensionsHeader: header,
  });
  return { client, server, transports, header };
}

/** The next `count` messages of `ws`, in order. */
function nextMessages(ws: WebSocket, count: number): Promise<(string | Uint8Array)[]> {
  return new Promise((resolve) => {
    const received: (string | Uint8Array)[] = [];
    const listener = (message: string | Uint8Array) => {
      received.push(message);
      if (received.length === count) {
        ws.off('message', listener);
        resolve(received);
      }
    };
    ws.on('message', listener);
  });
}

function expectSameBytes(actual: string | Uint8Array | undefined, expected: Uint8Array, what: string): void {
  expect(actual, what).toBeInstanceOf(Uint8Array);
  const bytes = actual as Uint8Array;
  expect(bytes.length, `${what}: length`).toBe(expected.length);
  let differs = -1;
  for (let index = 0; index < expected.length && differs === -1; index++) {
    if (bytes[index] !== expected[index]) differs = index;
  }
  expect(differs, `${what}: first differing byte`).toBe(-1);
}

async function closeBoth(pair: DeflatePair): Promise<void> {
  pair.client.close(1000);
  expect(await pair.client.closed).toEqual({ code: 1000, reason: '', wasClean: true });
  expect((await pair.server.closed).wasClean).toBe(true);
}

describe('permessage-deflate over the in-memory pair', () => {
  it('round-trips text and binary from 0 B to 1 MiB both ways, compressed on the wire', async () => {
    const pair = deflatePair();
    const { client, server, transports } = pair;
    expect(pair.header).toBe('permessage-deflate');
    expect(client.extensions).toBe('permessage-deflate');
    server.on('message', (message) => void server.send(message));
    let payloadBytes = 0;
    for (const size of SIZES) {
      const text = compressibleText(size);
      const bytes = compressibleBytes(size, size & 0xff);
      const echoed = nextMessages(client, 2);
      void client.send(text);
      void client.send(bytes);
      const [textBack, bytesBack] = await echoed;
      expect(textBack === text, `text of ${size} bytes`).toBe(true);
      expectSameBytes(bytesBack, bytes, `binary of ${size} bytes`);
      payloadBytes += 2 * size;
    }
    // Both directions went compressed: far fewer bytes than the payloads (highly compressible).
    expect(transports.client.bytesWritten).toBeLessThan(payloadBytes / 10);
    expect(transports.server.bytesWritten).toBeLessThan(payloadBytes / 10);
    await closeBoth(pair);
  });

  it('honours negotiated parameters: no context takeover and smaller windows', async () => {
    const pair = deflatePair({
      client: { clientMaxWindowBits: 10, serverNoContextTakeover: true },
      server: { clientNoContextTakeover: true, serverMaxWindowBits: 9 },
    });
    expect(pair.header).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10',
    );
    const { client, server } = pair;
    server.on('message', (message) => void server.send(message));
    for (let round = 0; round < 3; round++) {
      const bytes = compressibleBytes(200 * KiB, round);
      const echoed = nextMessages(client, 1);
      void client.send(bytes);
      expectSameBytes((await echoed)[0], bytes, `round ${round}`);
    }
    await closeBoth(pair);
  });

  it('sends a message uncompressed with compress: false, and still compresses the others', async () => {
    const { client, server, transports } = deflatePair();
    const message = compressibleBytes(256 * KiB);
    const received = nextMessages(server, 2);
    const before = transports.client.bytesWritten;
    await client.send(message, { compress: false });
    const plain = transports.client.bytesWritten - before;
    expect(plain).toBeGreaterThan(message.length);
    await client.send(message, { compress: true });
    const compressed = transports.client.bytesWritten - before - plain;
    expect(compressed).toBeLessThan(message.length / 10);
    const [first, second] = await received;
    expectSameBytes(first, message, 'uncompressed');
    expectSameBytes(second, message, 'compressed');
    // Strings too, and compress: undefined is the default.
    const texts = nextMessages(server, 2);
    void client.send(compressibleText(4 * KiB), { compress: false });
    void client.send(compressibleText(4 * KiB), {});
    expect(await texts).toEqual([compressibleText(4 * KiB), compressibleText(4 * KiB)]);
    client.close();
  });

  it('refuses send options that are not an object with a boolean compress', () => {
    const { client } = deflatePair();
    expect(() => client.send('x', null as never)).toThrow(TypeError);
    expect(() => client.send('x', 'no' as never)).toThrow(/an object/);
    expect(() => client.send('x', { compress: 'yes' as never })).toThrow(/compress must be a boolean/);
    client.terminate();
  });

  it('settles a send once its compressed frames were written, not when zlib got it', async () => {
    const { client, server, transports } = deflatePair();
    const received = nextMessages(server, 1);
    const message = compressibleBytes(MiB, 3);
    const before = transports.client.bytesWritten;
    const sent = client.send(message);
    // zlib answers in a later turn: until then the message counts in bufferedAmount.
    for (let index = 0; index < 5; index++) await Promise.resolve();
    expect(client.bufferedAmount).toBe(MiB);
    expect(transports.client.bytesWritten).toBe(before);
    await sent;
    expect(transports.client.bytesWritten).toBeGreaterThan(before);
    expect(client.bufferedAmount).toBeLessThan(MiB);
    expectSameBytes((await received)[0], message, '1 MiB');
    client.close();
  });

  it('counts a message written without a promise in bufferedAmount until it was compressed', async () => {
    const { client, server, transports } = deflatePair();
    const received = nextMessages(server, 1);
    const message = compressibleBytes(MiB, 4);
    const before = transports.client.bytesWritten;
    expect(client.write(message)).toBe(true);
    for (let index = 0; index < 5; index++) await Promise.resolve();
    expect(client.bufferedAmount).toBe(MiB);
    expect(transports.client.bytesWritten).toBe(before);
    expectSameBytes((await received)[0], message, '1 MiB');
    await until(() => client.bufferedAmount === 0);
    client.close();
  });

  // Regression: when a message of highWaterMark or more finished compressing, the session wrote it
  // but did not hand over the next queued message until something else (a send, a drain) came.
  it('hands over the messages queued behind a large one once it is compressed', async () => {
    const { client, server } = deflatePair();
    const messages = [compressibleBytes(MiB, 1), compressibleBytes(MiB, 2), compressibleText(MiB)];
    const received = nextMessages(server, messages.length);
    const sends = messages.map((message) => client.send(message));
    await Promise.all(sends);
    const [first, second, third] = await received;
    expectSameBytes(first, messages[0] as Uint8Array, 'first');
    expectSameBytes(second, messages[1] as Uint8Array, 'second');
    expect(third === messages[2]).toBe(true);
    client.close();
  });

  // With write() every fourth message goes by send(): the messages without a promise are counted
  // in bufferedAmount until compressed all the same (the session batches them with those that have one).
  for (const style of ['send', 'write'] as const) {
    it(`${style}(): pushes back while compression lags: needsDrain, drain, and nothing lost`, async () => {
      const highWaterMark = 64 * KiB;
      const { client, server } = deflatePair({}, { highWaterMark });
      const count = 40;
      const received = nextMessages(server, count);
      const messages = Array.from({ length: count }, (_, index) => compressibleBytes(32 * KiB, index));
      let waits = 0;
      let mostBuffered = 0;
      for (const [index, message] of messages.entries()) {
        let more = true;
        if (style === 'send' || index % 4 === 3) void client.send(message);
        else more = client.write(message);
        mostBuffered = Math.max(mostBuffered, client.bufferedAmount);
        await Promise.resolve(); // let the session hand the message over
        if (!more || client.needsDrain) {
          waits++;
          await client.drained();
        }
      }
      expect(waits).toBeGreaterThan(0);
      // The sender never ran far ahead of the compressor: about the mark plus one message.
      expect(mostBuffered).toBeLessThanOrEqual(highWaterMark + 2 * 32 * KiB);
      const all = await received;
      for (const [index, message] of all.entries()) {
        expectSameBytes(message, messages[index]!, `message ${index}`);
      }
      await until(() => client.bufferedAmount === 0);
      client.close();
      await client.closed;
    });
  }

  it('keeps order: a close after compressed messages goes behind them', async () => {
    const pair = deflatePair();
    const { client, server } = pair;
    const received: (string | Uint8Array)[] = [];
    server.on('message', (message) => received.push(message));
    const messages = [compressibleText(300 * KiB), compressibleText(10), compressibleText(2 * KiB)];
    const sends = messages.map((message) => client.send(message));
    client.close(4000, 'after the messages');
    await Promise.all(sends);
    expect(await server.closed).toEqual({ code: 4000, reason: 'after the messages', wasClean: true });
    expect(received).toEqual(messages);
    expect((await client.closed).wasClean).toBe(true);
  });

  it('answers from inside a message listener while both sides compress', async () => {
    const { client, server } = deflatePair();
    server.on('message', (message) => {
      if (typeof message === 'string') void server.send(message.toUpperCase());
    });
    const count = 50;
    const replies = nextMessages(client, count);
    for (let index = 0; index < count; index++) void client.send(`message ${index} `.repeat(200));
    const all = await replies;
    expect(all).toEqual(Array.from({ length: count }, (_, index) => `MESSAGE ${index} `.repeat(200)));
    client.close();
    await until(() => server.readyState === server.CLOSED);
  });
});
