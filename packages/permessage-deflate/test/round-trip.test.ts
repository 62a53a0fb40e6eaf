import type { PerMessageDeflateOptions } from '@wskit/permessage-deflate';
import { describe, expect, it } from 'vitest';
import { bytes, expectSame, text } from './data.js';
import { DeflatePipe } from './helpers.js';

const SIZES = [0, 1, 200, 1024, 20_000, 150_000];

const cache = new Map<string, string | Uint8Array>();
function cached<T extends string | Uint8Array>(key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value as T;
}

async function exchange(pipe: DeflatePipe, sizes: readonly number[]): Promise<void> {
  const toServer: (string | Uint8Array)[] = [];
  const toClient: (string | Uint8Array)[] = [];
  sizes.forEach((size, index) => {
    const even = index % 2 === 0;
    toServer.push(cached(`${even}:${size}`, () => (even ? text(size, index) : bytes(size, index))));
    toClient.push(cached(`${!even}:${size}`, () => (even ? bytes(size, index) : text(size, index))));
  });
  for (const message of toServer) {
    if (typeof message === 'string') pipe.client.connection.sendText(message);
    else pipe.client.connection.sendBinary(message);
  }
  for (const message of toClient) {
    if (typeof message === 'string') pipe.server.connection.sendText(message);
    else pipe.server.connection.sendBinary(message);
  }
  await pipe.until(
    () =>
      pipe.messages(pipe.server).length === toServer.length &&
      pipe.messages(pipe.client).length === toClient.length,
  );
  expectSame(pipe.messages(pipe.server), toServer);
  expectSame(pipe.messages(pipe.client), toClient);
  // threshold 0 and compressible data: every message of some size went out compressed (RSV1 on its
  // only frame). Tiny ones may go out as they are when compressing does not pay and the sender
  // resets its context anyway.
  for (const side of [pipe.client, pipe.server]) {
    const heads = side.frameHeads.slice(-sizes.length);
    expect(heads).toHaveLength(sizes.length);
    expect(heads.filter((head, index) => sizes[index]! >= 1024 && (head & 0x40) === 0)).toEqual([]);
  }
}

const COMBINATIONS: [windowBits: number, server: string, client: string][] = [];
for (let windowBits = 8; windowBits <= 15; windowBits++) {
  for (const server of ['server takes over', 'server_no_context_takeover']) {
    for (const client of ['client takes over', 'client_no_context_takeover']) {
      COMBINATIONS.push([windowBits, server, client]);
    }
  }
}

describe('round trips through two engines', () => {
  it.each(COMBINATIONS)(
    'window bits %i, %s, %s: text and binary, 0 B to 150 kB',
    async (windowBits, server, client) => {
      const serverNoContextTakeover = server === 'server_no_context_takeover';
      const clientNoContextTakeover = client === 'client_no_context_takeover';
      const clientOptions: PerMessageDeflateOptions = {
        serverMaxWindowBits: windowBits,
        clientMaxWindowBits: windowBits,
        serverNoContextTakeover,
        clientNoContextTakeover,
        threshold: 0,
      };
      const { pipe, agreed } = DeflatePipe.negotiated(clientOptions, { threshold: 0 });
      const expected: [string, string | true][] = [];
      if (serverNoContextTakeover) expected.push(['server_no_context_takeover', true]);
      if (clientNoContextTakeover) expected.push(['client_no_context_takeover', true]);
      expected.push(
        ['server_max_window_bits', String(windowBits)],
        ['client_max_window_bits', String(windowBits)],
      );
      expect(agreed).toEqual(expected);
      await exchange(pipe, SIZES);
      // The same messages once more: with context takeover they now refer back to the first round.
      await exchange(pipe, SIZES);
    },
  );

  it('1 MiB text and binary messages, default parameters, and the close handshake after them', async () => {
    const { pipe } = DeflatePipe.negotiated({ threshold: 0 }, { threshold: 0 });
    const big = text(1 << 20, 7);
    const binary = bytes(1 << 20, 8);
    pipe.client.connection.sendText(big);
    pipe.client.connection.sendBinary(binary);
    pipe.server.connection.sendBinary(binary);
    pipe.server.connection.sendText(big);
    pipe.client.connection.sendClose(1000, 'done');
    const closed = (side: typeof pipe.client) => side.events.some((event) => event.type === 'close');
    await pipe.until(() => closed(pipe.client) && closed(pipe.server));
    expectSame(pipe.messages(pipe.server), [big, binary]);
    expectSame(pipe.messages(pipe.client), [binary, big]);
    expect(pipe.server.events.at(-1)).toEqual({ type: 'close', code: 1000, reason: 'done', wasClean: true });
    expect(pipe.client.events.at(-1)).toMatchObject({ type: 'close', code: 1000, wasClean: true });
  });

  it('default threshold: messages under 1024 bytes go out uncompressed, larger ones compressed', async () => {
    const { pipe } = DeflatePipe.negotiated({}, {});
    pipe.client.connection.sendText('a'.repeat(1023));
    pipe.client.connection.sendText('a'.repeat(1024));
    pipe.client.connection.sendBinary(new Uint8Array(0));
    await pipe.until(() => pipe.messages(pipe.server).length === 3);
    expect(pipe.client.frameHeads.map((head) => head & 0x40)).toEqual([0, 0x40, 0]);
    expect(pipe.messages(pipe.server)).toEqual(['a'.repeat(1023), 'a'.repeat(1024), new Uint8Array(0)]);
  });

  it('fragmented messages pass uncompressed, between compressed ones', async () => {
    const { pipe } = DeflatePipe.negotiated({ threshold: 0 }, { threshold: 0 });
    pipe.client.connection.sendText('one');
    pipe.client.connection.startMessage('text', 'tw');
    pipe.client.connection.endMessage('o');
    pipe.client.connection.sendText('three');
    await pipe.until(() => pipe.messages(pipe.server).length === 3);
    expect(pipe.messages(pipe.server)).toEqual(['one', 'two', 'three']);
    expect(pipe.client.frameHeads.map((head) => head & 0x40)).toEqual([0x40, 0, 0, 0x40]);
  });
});
