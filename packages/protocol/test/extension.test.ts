import { CodecError, Opcode } from '@wskit/codec';
import {
  Connection,
  type ConnectionEvent,
  type ConnectionExtension,
  type ExtensionMessage,
} from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { clientFrame, concat, FakeClock, Pipe, serverFrame, toHex } from './helpers.js';

const RSV1 = 0x40;

/**
 * An identity "compression" extension on RSV1: encoding sets the bit, decoding clears it, the bytes
 * stay the same. `manual` makes every step wait until the test calls `release()`.
 */
function identityExtension(mode: 'sync' | 'async' | 'manual' = 'sync') {
  const waiting: (() => void)[] = [];
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const step = (label: string, result: ExtensionMessage) => {
    log.push(`${label}:${new TextDecoder().decode(result.data)}`);
    if (mode === 'sync') return result;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<ExtensionMessage>((resolve) => {
      const done = () => {
        inFlight--;
        resolve(result);
      };
      if (mode === 'async') queueMicrotask(done);
      else waiting.push(done);
    });
  };
  const extension: ConnectionExtension & { disposed: number } = {
    name: 'x-identity',
    rsv: RSV1,
    disposed: 0,
    encodeMessage: (message) => step('encode', { ...message, rsv: message.rsv | RSV1 }),
    decodeMessage: (message) => step('decode', { ...message, rsv: message.rsv & ~RSV1 }),
    dispose() {
      this.disposed++;
    },
  };
  return {
    extension,
    log,
    maxInFlight: () => maxInFlight,
    /** Settles the oldest waiting step (manual mode). */
    release() {
      waiting.shift()?.();
    },
  };
}

/** Lets promise callbacks run, then moves bytes; repeats until quiet. */
async function settle(pipe: Pipe): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    pipe.flush();
  }
}

const messages = (events: ConnectionEvent[]) =>
  events.filter((event) => event.type === 'message').map((event) => event.data);

describe('extension hook', () => {
  it('a synchronous extension transforms both directions and sets RSV1 on the wire', () => {
    const client = identityExtension();
    const server = identityExtension();
    const pipe = new Pipe({
      client: { extensions: [client.extension] },
      server: { extensions: [server.extension] },
    });
    pipe.client.connection.sendText('hello');
    pipe.client.connection.sendBinary(Uint8Array.of(1, 2, 3));
    pipe.server.connection.sendText('back');
    pipe.flush();
    expect(pipe.client.written[0]![0]).toBe(0x80 | RSV1 | Opcode.Text);
    expect(pipe.server.written[0]![0]).toBe(0x80 | RSV1 | Opcode.Text);
    expect(messages(pipe.server.events)).toEqual(['hello', Uint8Array.of(1, 2, 3)]);
    expect(messages(pipe.client.events)).toEqual(['back']);
    expect(server.log).toEqual(['encode:back', 'decode:hello', 'decode:\u0001\u0002\u0003']);
  });

  it('fragmented messages bypass the extension (RSV clear on every frame)', () => {
    const client = identityExtension();
    const pipe = new Pipe({
      client: { extensions: [client.extension] },
      server: { extensions: [identityExtension().extension] },
    });
    pipe.client.connection.startMessage('text', 'a');
    pipe.client.connection.endMessage('b');
    pipe.flush();
    expect(pipe.client.written.map((frame) => frame[0]! & 0x70)).toEqual([0, 0]);
    expect(messages(pipe.server.events)).toEqual(['ab']);
    expect(client.log).toEqual([]);
  });

  it('an asynchronous extension keeps message order, with one step in flight at a time', async () => {
    const client = identityExtension('async');
    const server = identityExtension('async');
    let wakes = 0;
    const pipe = new Pipe({
      client: { extensions: [client.extension] },
      server: { extensions: [server.extension], onWake: () => wakes++ },
    });
    const sent = ['one', 'two', 'three', 'four', 'five'];
    for (const text of sent) pipe.client.connection.sendText(text);
    pipe.client.connection.sendClose(1000, 'done');
    // Nothing is written before the first encode settles; the close waits behind the messages.
    expect(pipe.client.connection.dataToSend()).toEqual([]);
    await settle(pipe);
    expect(messages(pipe.server.events)).toEqual(sent);
    expect(pipe.server.events.at(-1)).toEqual({ type: 'close', code: 1000, reason: 'done', wasClean: true });
    expect(client.maxInFlight()).toBe(1);
    expect(server.maxInFlight()).toBe(1);
    expect(wakes).toBeGreaterThan(0);
    expect(pipe.client.ended && pipe.server.ended).toBe(true);
    expect(client.extension.disposed).toBe(1);
    expect(server.extension.disposed).toBe(1);
  });

  it('events behind a message being decoded wait for it; the pong does not', () => {
    const server = identityExtension('manual');
    const clock = new FakeClock();
    const connection = new Connection({ role: 'server', clock: clock.read, extensions: [server.extension] });
    connection.events();
    connection.receiveData(
      concat([
        clientFrame(Opcode.Text, 'compressed', true, RSV1),
        clientFrame(Opcode.Text, 'plain'),
        clientFrame(Opcode.Ping, 'p'),
        clientFrame(Opcode.Binary, 'second', true, RSV1),
        clientFrame(Opcode.Close, Uint8Array.of(3, 232)),
      ]),
    );
    // The pong goes out at once; the events wait for the first decode, and the close reply waits
    // until every message before the peer's close was delivered (wire order).
    const written = concat(connection.dataToSend());
    expect(Array.from(written)).toEqual([0x8a, 0x01, 0x70]);
    expect(connection.state).toBe('CLOSE_RECEIVED');
    expect(connection.shouldCloseTransport).toBe(false);
    expect(connection.events()).toEqual([]);
    expect(server.log).toEqual(['decode:compressed']);
    return (async () => {
      server.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(server.log).toEqual(['decode:compressed', 'decode:second']);
      expect(connection.events().map((event) => event.type)).toEqual(['message', 'message', 'ping']);
      expect(server.extension.disposed).toBe(0); // still decoding
      server.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(connection.events()).toEqual([
        { type: 'message', messageType: 'binary', data: new TextEncoder().encode('second') },
        { type: 'closeReceived', code: 1000, reason: '' },
      ]);
      expect(toHex(concat(connection.dataToSend()))).toBe('880203e8');
      expect(connection.shouldCloseTransport).toBe(true);
      expect(connection.events()).toEqual([{ type: 'close', code: 1000, reason: '', wasClean: true }]);
      expect(server.extension.disposed).toBe(1);
    })();
  });

  it('a CodecError from the extension closes with its code; the reason is cut to 123 bytes', () => {
    const clock = new FakeClock();
    const extension: ConnectionExtension = {
      name: 'x-fails',
      rsv: RSV1,
      decodeMessage: () => {
        throw new CodecError('WS_ERR_MESSAGE_TOO_LARGE', `Inflated message too large ${'!'.repeat(200)}`);
      },
    };
    const connection = new Connection({ role: 'server', clock: clock.read, extensions: [extension] });
    connection.receiveData(clientFrame(Opcode.Binary, 'zzz', true, RSV1));
    const bytes = concat(connection.dataToSend());
    expect([bytes[0], bytes[1], bytes[2], bytes[3]]).toEqual([0x88, 125, 0x03, 0xf1]);
    const events = connection.events();
    expect(events.at(-1)).toMatchObject({ type: 'close', code: 1009, wasClean: false });
    expect((events.at(-1) as { reason: string }).reason).toHaveLength(123);
  });

  it('any other extension failure closes with 1011 and no details on the wire', async () => {
    const clock = new FakeClock();
    const extension: ConnectionExtension = {
      name: 'x-fails',
      rsv: RSV1,
      decodeMessage: () => Promise.reject(new Error('zlib: invalid distance too far back')),
    };
    const connection = new Connection({ role: 'server', clock: clock.read, extensions: [extension] });
    connection.receiveData(clientFrame(Opcode.Binary, 'zzz', true, RSV1));
    expect(connection.dataToSend()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const bytes = concat(connection.dataToSend());
    expect(new TextDecoder().decode(bytes.subarray(4))).toBe('Internal error');
    const events = connection.events();
    expect(events[1]).toMatchObject({ type: 'error', error: { code: 'WS_ERR_EXTENSION', closeCode: 1011 } });
    expect(((events[1] as { error: Error }).error.cause as Error).message).toMatch(/zlib/);
  });

  it('decoded output is checked: over maxMessageSize → 1009, bad UTF-8 text → 1007', () => {
    const clock = new FakeClock();
    const growing: ConnectionExtension = {
      name: 'x-grow',
      rsv: RSV1,
      decodeMessage: (message) => ({ ...message, data: new Uint8Array(100), rsv: 0 }),
    };
    const big = new Connection({
      role: 'server',
      clock: clock.read,
      maxMessageSize: 50,
      extensions: [growing],
    });
    big.receiveData(clientFrame(Opcode.Binary, 'x', true, RSV1));
    expect(big.closeSent?.code).toBe(1009);
    const garbling: ConnectionExtension = {
      name: 'x-garble',
      rsv: RSV1,
      decodeMessage: (message) => ({ ...message, data: Uint8Array.of(0xff), rsv: 0 }),
    };
    const text = new Connection({ role: 'server', clock: clock.read, extensions: [garbling] });
    text.receiveData(clientFrame(Opcode.Text, 'x', true, RSV1));
    expect(text.closeSent?.code).toBe(1007);
  });

  it('an encode failure fails the connection with 1011', async () => {
    const clock = new FakeClock();
    const extension: ConnectionExtension = {
      name: 'x-encode-fails',
      rsv: RSV1,
      encodeMessage: () => Promise.reject(new Error('deflate failed')),
      decodeMessage: (message) => message,
    };
    const connection = new Connection({ role: 'server', clock: clock.read, extensions: [extension] });
    connection.sendText('x');
    connection.sendText('y');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(connection.state).toBe('CLOSED');
    expect(connection.closeSent).toEqual({ code: 1011, reason: 'Internal error' });
    expect(concat(connection.dataToSend())[0]).toBe(0x88); // only the close: the queued messages are dropped
  });

  it('pieces delivery gets a decoded message as one final piece', () => {
    const clock = new FakeClock();
    const connection = new Connection({
      role: 'server',
      clock: clock.read,
      delivery: 'pieces',
      extensions: [identityExtension().extension],
    });
    connection.events();
    connection.receiveData(clientFrame(Opcode.Text, 'whole', true, RSV1));
    expect(connection.events()).toEqual([
      { type: 'messagePiece', messageType: 'text', data: new TextEncoder().encode('whole'), final: true },
    ]);
  });

  it('without the extension, RSV1 from the peer is a protocol error (1002)', () => {
    const clock = new FakeClock();
    const connection = new Connection({ role: 'client', clock: clock.read });
    connection.receiveData(serverFrame(Opcode.Text, 'x', true, RSV1));
    expect(connection.state).toBe('FAILING');
    connection.dataToSend();
    expect(connection.closeSent?.code).toBe(1002);
  });
});
