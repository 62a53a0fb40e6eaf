/** Negotiated extensions run through the session, also when they answer asynchronously (onWake). */
import type { ConnectionExtension, ExtensionMessage } from '@wskit/protocol';
import { openWebSocket } from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

/** A toy extension on RSV1 that reverses payloads, answering after a timer when `async` is set. */
function reversing(async: boolean): ConnectionExtension {
  const reverse = (message: ExtensionMessage, rsv: number): ExtensionMessage => ({
    type: message.type,
    data: message.data.slice().reverse(),
    rsv,
  });
  const answer = (message: ExtensionMessage) =>
    async ? new Promise<ExtensionMessage>((resolve) => setTimeout(() => resolve(message), 1)) : message;
  return {
    name: 'x-reverse',
    rsv: 0x40,
    encodeMessage: (message) => answer(reverse(message, 0x40)),
    decodeMessage: (message) => answer(reverse(message, 0)),
  };
}

describe('extensions', () => {
  for (const async of [false, true]) {
    it(`runs ${async ? 'asynchronous' : 'synchronous'} extensions in order`, async () => {
      const transports = createTransportPair();
      const a = openWebSocket(transports.client, {
        role: 'client',
        extensions: [reversing(async)],
        extensionsHeader: 'x-reverse',
      });
      const b = openWebSocket(transports.server, { role: 'server', extensions: [reversing(async)] });
      expect(a.extensions).toBe('x-reverse');
      b.on('message', (message) => void b.send(message));
      const sends = ['one', 'two', 'three'].map((text) => a.send(text));
      sends.push(a.send(Uint8Array.of(1, 2, 3)));
      await Promise.all(sends);
      const received: (string | Uint8Array)[] = [];
      for await (const message of a) {
        received.push(message);
        if (received.length === 4) break;
      }
      expect(received).toEqual(['one', 'two', 'three', Uint8Array.of(1, 2, 3)]);
      a.close(1000);
      expect(await a.closed).toEqual({ code: 1000, reason: '', wasClean: true });
      expect((await b.closed).wasClean).toBe(true);
    });
  }
});
