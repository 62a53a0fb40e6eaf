/** The examples of RFC 7692 §7.2.3, as hex, in both directions. */
import type { ExtensionParams } from '@wskit/handshake';
import { perMessageDeflate } from '@wskit/permessage-deflate';
import { Connection, type ConnectionEvent, type ExtensionMessage } from '@wskit/protocol';
import { describe, expect, it } from 'vitest';
import { concat, hex, tick, toHex } from './helpers.js';

const HELLO = new TextEncoder().encode('Hello');

/** A client engine with permessage-deflate under `agreed`. */
function client(agreed: ExtensionParams = []) {
  const extension = perMessageDeflate({ threshold: 0 }).createExtension(agreed, 'client');
  let now = 0;
  return new Connection({ role: 'client', clock: () => now++, extensions: [extension] });
}

/** A server engine with permessage-deflate under `agreed`, compressing every message. */
function server(agreed: ExtensionParams = []) {
  const extension = perMessageDeflate({ threshold: 0 }).createExtension(agreed, 'server');
  let now = 0;
  return new Connection({ role: 'server', clock: () => now++, extensions: [extension] });
}

/** Waits until the connection has `count` message events (or any close), then returns the events. */
async function receive(connection: Connection, count: number): Promise<ConnectionEvent[]> {
  const events: ConnectionEvent[] = [];
  for (let i = 0; i < 1000; i++) {
    events.push(...connection.events());
    const messages = events.filter((event) => event.type === 'message').length;
    if (messages >= count || events.some((event) => event.type === 'close')) return events;
    await tick();
  }
  throw new Error('no message');
}

/** Waits for the bytes the connection writes. */
async function written(connection: Connection, frames: number): Promise<string> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 1000 && out.length < frames; i++) {
    out.push(...connection.dataToSend());
    if (out.length < frames) await tick();
  }
  return toHex(concat(out));
}

const texts = (events: ConnectionEvent[]) =>
  events.flatMap((event) => (event.type === 'message' ? [event.data] : []));

describe('RFC 7692 §7.2.3 examples: sending', () => {
  it('§7.2.3.1: "Hello" in one compressed frame is c1 07 f2 48 cd c9 c9 07 00', async () => {
    const connection = server();
    connection.sendText('Hello');
    expect(await written(connection, 1)).toBe('c107f248cdc9c90700');
  });

  it('§7.2.3.2: the same message again with context takeover is f2 00 11 00 00', async () => {
    const connection = server();
    connection.sendText('Hello');
    connection.sendText('Hello');
    expect(await written(connection, 2)).toBe('c107f248cdc9c90700' + 'c105f200110000');
  });

  it('without context takeover, each message compresses alone; when that does not pay it goes out as it is', async () => {
    const connection = server([['server_no_context_takeover', true]]);
    const repeated = 'Hello, Hello, Hello, Hello, Hello!';
    connection.sendText(repeated);
    connection.sendText(repeated);
    connection.sendText('Hello'); // 7 bytes compressed, 5 as it is
    const bytes = await written(connection, 3);
    const first = bytes.slice(0, bytes.length / 2 - 7);
    expect(first.slice(0, 2)).toBe('c1');
    expect(bytes).toBe(`${first}${first}810548656c6c6f`);
  });

  it('an empty message compresses to one byte, 00', async () => {
    const extension = perMessageDeflate({ threshold: 0 }).createExtension([], 'server');
    const message: ExtensionMessage = { type: 'text', data: new Uint8Array(0), rsv: 0 };
    const encoded = await extension.encodeMessage!(message, { role: 'server', maxMessageSize: 100 });
    expect(toHex(encoded.data)).toBe('00');
    expect(encoded.rsv).toBe(0x40);
    const decoded = await extension.decodeMessage(encoded, { role: 'server', maxMessageSize: 100 });
    expect(decoded).toEqual({ type: 'text', data: new Uint8Array(0), rsv: 0 });
  });
});

describe('RFC 7692 §7.2.3 examples: receiving', () => {
  it.each([
    ['§7.2.3.1 one frame', 'c1 07 f2 48 cd c9 c9 07 00'],
    ['§7.2.3.1 fragmented: RSV1 on the first frame only', '41 03 f2 48 cd 80 04 c9 c9 07 00'],
    ['§7.2.3.3 a block with no compression', 'c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00'],
    ['§7.2.3.4 a block with BFINAL set', 'c1 08 f3 48 cd c9 c9 07 00 00'],
    ['§7.2.3.5 two blocks in one message', 'c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00'],
  ])('%s decodes to "Hello"', async (_name, frames) => {
    const connection = client();
    connection.receiveData(hex(frames));
    expect(texts(await receive(connection, 1))).toEqual(['Hello']);
  });

  it('§7.2.3.2: the second message refers back into the first (context takeover)', async () => {
    const connection = client();
    connection.receiveData(hex('c1 07 f2 48 cd c9 c9 07 00  c1 05 f2 00 11 00 00'));
    expect(texts(await receive(connection, 2))).toEqual(['Hello', 'Hello']);
  });

  it('after a BFINAL block the next message starts a new deflate stream', async () => {
    const connection = client();
    connection.receiveData(hex('c1 08 f3 48 cd c9 c9 07 00 00  c1 07 f2 48 cd c9 c9 07 00  c2 01 00'));
    expect(texts(await receive(connection, 3))).toEqual(['Hello', 'Hello', new Uint8Array(0)]);
  });

  it('binary messages and uncompressed messages in between', async () => {
    const connection = client();
    connection.receiveData(hex('c2 07 f2 48 cd c9 c9 07 00  82 02 68 69  c2 05 f2 00 11 00 00'));
    expect(texts(await receive(connection, 3))).toEqual([HELLO, new Uint8Array([0x68, 0x69]), HELLO]);
  });
});
