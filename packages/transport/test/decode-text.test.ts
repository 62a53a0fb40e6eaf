/** `decodeText: false`: text arrives as an `EncodedText` (its UTF-8 bytes) and `send()` echoes it as text. */
import { EncodedText, type WebSocket } from '@wskit/transport';
import { createWebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';

async function next(ws: WebSocket): Promise<string | Uint8Array> {
  const iterator = ws[Symbol.asyncIterator]();
  const result = await iterator.next();
  await iterator.return?.();
  if (result.done) throw new Error('closed');
  return result.value;
}

const utf8 = new TextEncoder();

describe('decodeText: false', () => {
  it('text arrives as EncodedText, binary as plain bytes; send() echoes each with its type', async () => {
    const { client, server } = createWebSocketPair({ server: { decodeText: false } });
    const long = 'grüße '.repeat(400); // long enough for the engine's long-text path
    void client.send('héllo');
    void client.send(long);
    void client.send(Uint8Array.of(0xc3, 0x28));
    const text = await next(server);
    expect(text).toBeInstanceOf(EncodedText);
    expect(text).toEqual(new EncodedText(utf8.encode('héllo').buffer));
    expect(String(text)).toBe('héllo');
    const longText = await next(server);
    expect(longText).toBeInstanceOf(EncodedText);
    const binary = await next(server);
    expect(binary).not.toBeInstanceOf(EncodedText);
    expect(binary).toEqual(Uint8Array.of(0xc3, 0x28));
    // Echoed: text stays text (the client decodes it as usual), binary stays binary.
    void server.send(text);
    void server.send(longText);
    void server.send(binary);
    expect(await next(client)).toBe('héllo');
    expect(await next(client)).toBe(long);
    expect(await next(client)).toEqual(Uint8Array.of(0xc3, 0x28));
  });

  it('message listeners get EncodedText too; pieces cut from it are plain bytes', async () => {
    const { client, server } = createWebSocketPair({ server: { decodeText: false } });
    const received = new Promise<string | Uint8Array>((resolve) => server.once('message', resolve));
    void client.send('ab€');
    const data = await received;
    expect(data).toBeInstanceOf(EncodedText);
    expect(data.toString()).toBe('ab€');
    const piece = (data as Uint8Array).subarray(0, 2);
    expect(piece).not.toBeInstanceOf(EncodedText);
    void server.send(piece);
    expect(await next(client)).toEqual(utf8.encode('ab'));
  });

  it('invalid UTF-8 still fails the connection with 1007', async () => {
    const { client, server } = createWebSocketPair({ server: { decodeText: false } });
    const stream = client.stream('text');
    await stream.write(Uint8Array.of(0x61, 0xc3));
    await stream.end(Uint8Array.of(0x28));
    const info = await client.closed;
    expect(info.code).toBe(1007);
    expect((await server.closed).code).toBe(1007);
  });
});

describe('decodeText: false under the WHATWG classes', () => {
  it('StandardWebSocket still hands text over as strings', async () => {
    const { StandardWebSocket } = await import('@wskit/transport');
    const { serveConformance } = await import('@wskit/transport/testing');
    const ws = new StandardWebSocket('ws://example.com/echo', [], {
      connect: async (url) => {
        const { client, server } = createWebSocketPair({ url: url.href, client: { decodeText: false } });
        void serveConformance(server, url.pathname);
        return client;
      },
    });
    ws.binaryType = 'arraybuffer';
    const received: unknown[] = [];
    ws.addEventListener('open', () => {
      ws.send('grüße');
      ws.send(Uint8Array.of(1));
    });
    await new Promise<void>((resolve) => {
      ws.addEventListener('message', (event) => {
        received.push((event as MessageEvent).data);
        if (received.length === 2) resolve();
      });
    });
    expect(received[0]).toBe('grüße');
    expect(received[1]).toBeInstanceOf(ArrayBuffer);
    ws.close();
  });
});
