/** StandardWebSocket behaves as the WHATWG WebSocket. */
import { StandardWebSocket, type WebSocket, type WebSocketConnector } from '@wskit/transport';
import { createWebSocketPair, serveConformance } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { until } from './helpers.js';

/** A connector over an in-memory pair whose server runs the conformance behaviour of the URL's path. */
const memoryConnect: WebSocketConnector = async (url, protocols) => {
  const { client, server } = createWebSocketPair({ protocol: protocols[0] ?? '', url: url.href });
  void serveConformance(server, url.pathname + url.search);
  return client;
};

/** Records the events of `ws` as strings. */
function record(ws: StandardWebSocket): string[] {
  const events: string[] = [];
  ws.addEventListener('open', () => events.push(`open ${ws.readyState}`));
  ws.addEventListener('message', (event) => {
    const { data } = event as MessageEvent;
    events.push(`message ${typeof data === 'string' ? data : Object.prototype.toString.call(data)}`);
  });
  ws.addEventListener('error', () => events.push(`error ${ws.readyState}`));
  ws.addEventListener('close', (event) => {
    const { code, reason, wasClean } = event as CloseEvent;
    events.push(`close ${code} ${reason} ${wasClean} ${ws.readyState}`);
  });
  return events;
}

function open(path: string, protocols?: string | string[], connect = memoryConnect): StandardWebSocket {
  return new StandardWebSocket(`ws://example.com${path}`, protocols, { connect });
}

describe('StandardWebSocket', () => {
  it('has the readyState constants on the class and on instances', () => {
    const ws = open('/echo');
    expect([
      StandardWebSocket.CONNECTING,
      StandardWebSocket.OPEN,
      StandardWebSocket.CLOSING,
      StandardWebSocket.CLOSED,
    ]).toEqual([0, 1, 2, 3]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(ws).toBeInstanceOf(EventTarget);
    expect(ws.readyState).toBe(ws.CONNECTING);
    expect(ws.protocol).toBe('');
    expect(ws.extensions).toBe('');
    expect(ws.bufferedAmount).toBe(0);
  });

  it('fires open, message and close in that order', async () => {
    const ws = open('/close?code=4000&reason=bye&message=hello', ['chat', 'superchat']);
    const events = record(ws);
    await until(() => events.length === 3);
    expect(events).toEqual(['open 1', 'message hello', 'close 4000 bye true 3']);
    expect(ws.protocol).toBe('chat');
    expect(ws.readyState).toBe(ws.CLOSED);
  });

  it('fires error then close 1006 when the connection cannot be established', async () => {
    const ws = open('/echo', [], () => Promise.reject(new Error('ECONNREFUSED')));
    const events = record(ws);
    await until(() => events.length === 2);
    expect(events).toEqual(['error 3', 'close 1006  false 3']);
    const throwing = open('/echo', [], () => {
      throw new Error('synchronously');
    });
    const more = record(throwing);
    await until(() => more.length === 2);
    expect(more).toEqual(['error 3', 'close 1006  false 3']);
    const wrong = open('/echo', [], async () => ({}) as WebSocket);
    const wrongEvents = record(wrong);
    await until(() => wrongEvents.length === 2);
    expect(wrongEvents).toEqual(['error 3', 'close 1006  false 3']);
  });

  it('fires error then close 1006 when the connection is lost', async () => {
    const ws = open('/abort?delay=5');
    const events = record(ws);
    await until(() => events.length === 3);
    expect(events).toEqual(['open 1', 'error 3', 'close 1006  false 3']);
  });

  it('checks the URL and the subprotocols as the standard says', () => {
    const syntax = (url: string, protocols?: string | string[]) => {
      try {
        new StandardWebSocket(url, protocols, { connect: memoryConnect });
      } catch (error) {
        return (error as Error).name;
      }
      return 'no error';
    };
    expect(syntax('ftp://example.com/')).toBe('SyntaxError');
    expect(syntax('not a url')).toBe('SyntaxError');
    expect(syntax('ws://example.com/#fragment')).toBe('SyntaxError');
    expect(syntax('ws://example.com/', ['a', 'a'])).toBe('SyntaxError');
    expect(syntax('ws://example.com/', 'with space')).toBe('SyntaxError');
    expect(syntax('ws://example.com/', ['a', 'b'])).toBe('no error');
    expect(new StandardWebSocket('http://example.com/x', [], { connect: memoryConnect }).url).toBe(
      'ws://example.com/x',
    );
    expect(new StandardWebSocket('https://example.com', [], { connect: memoryConnect }).url).toBe(
      'wss://example.com/',
    );
    expect(() => new StandardWebSocket('ws://example.com', [], {} as never)).toThrow(TypeError);
  });

  it('throws InvalidStateError on send while CONNECTING', () => {
    const ws = open('/echo');
    expect(() => ws.send('early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
  });

  it('close() checks the code and the reason', async () => {
    const ws = open('/echo');
    expect(() => ws.close(1001)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => ws.close(2999)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => ws.close(5000)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => ws.close(1000, 'é'.repeat(62))).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    await until(() => ws.readyState === ws.OPEN);
    const events = record(ws);
    ws.close(3000, 'é'.repeat(61)); // 122 bytes
    expect(ws.readyState).toBe(ws.CLOSING);
    await until(() => events.length === 1);
    expect(events).toEqual(['close 3000  true 3']);
  });

  it('close() while CONNECTING abandons the attempt: error, then close 1006', async () => {
    let signal: AbortSignal | undefined;
    let resolveSocket!: (ws: WebSocket) => void;
    const ws = open('/echo', [], (_url, _protocols, abort) => {
      signal = abort;
      return new Promise((resolve) => {
        resolveSocket = resolve;
      });
    });
    const events = record(ws);
    ws.close();
    expect(ws.readyState).toBe(ws.CLOSING);
    expect(signal?.aborted).toBe(true);
    await until(() => events.length === 2);
    expect(events).toEqual(['error 3', 'close 1006  false 3']);
    // A connector that ignores the signal: its WebSocket is terminated.
    const late = createWebSocketPair();
    resolveSocket(late.client);
    expect((await late.client.closed).code).toBe(1006);
  });

  // WHATWG WebSockets "feedback from the protocol" and RFC 6455 §7.1.5: when WE fail the connection
  // (here: a message over our limit, for which we send 1009), the close event's code is 1006 and it
  // is not clean; the peer's code is reported only when its Close frame arrived.
  it('reports 1006 when it failed the connection, whatever code it sent', async () => {
    let server: WebSocket | undefined;
    const ws = open('/', [], async (url) => {
      const pair = createWebSocketPair({ url: url.href, client: { maxMessageSize: 4 } });
      server = pair.server;
      return pair.client;
    });
    const events = record(ws);
    await until(() => ws.readyState === ws.OPEN);
    void server!.send('too long for the client');
    const sent = await server!.closed;
    expect(sent.code).toBe(1009); // what the client sent, as the peer saw it
    await until(() => events.length === 3);
    expect(events).toEqual(['open 1', 'error 3', 'close 1006  false 3']);
  });

  it('reports the peer code when the peer closed', async () => {
    let server: WebSocket | undefined;
    const ws = open('/', [], async (url) => {
      const pair = createWebSocketPair({ url: url.href });
      server = pair.server;
      return pair.client;
    });
    const events = record(ws);
    await until(() => ws.readyState === ws.OPEN);
    server!.close(4001, 'server says');
    await until(() => events.length === 2);
    expect(events).toEqual(['open 1', 'close 4001 server says true 3']);
  });

  it('delivers binary messages as Blob by default and as ArrayBuffer when asked', async () => {
    const ws = open('/echo');
    await until(() => ws.readyState === ws.OPEN);
    expect(ws.binaryType).toBe('blob');
    const received: unknown[] = [];
    ws.onmessage = (event) => received.push(event.data);
    ws.send(Uint8Array.of(1, 2, 3));
    await until(() => received.length === 1);
    expect(received[0]).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (received[0] as Blob).arrayBuffer())).toEqual(Uint8Array.of(1, 2, 3));
    ws.binaryType = 'arraybuffer';
    ws.binaryType = 'nonsense' as 'blob'; // ignored
    expect(ws.binaryType).toBe('arraybuffer');
    ws.send(new Uint8Array([4, 5]).buffer);
    await until(() => received.length === 2);
    expect(received[1]).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(received[1] as ArrayBuffer)).toEqual(Uint8Array.of(4, 5));
    ws.close();
  });

  it('sends Blobs in order with the other messages and copies buffers', async () => {
    const ws = open('/echo');
    await until(() => ws.readyState === ws.OPEN);
    ws.binaryType = 'arraybuffer';
    const received: string[] = [];
    ws.onmessage = (event) =>
      received.push(
        typeof event.data === 'string'
          ? event.data
          : `bytes ${new Uint8Array(event.data as ArrayBuffer).join(',')}`,
      );
    const buffer = Uint8Array.of(9);
    ws.send(new Blob([Uint8Array.of(7, 8)]));
    expect(ws.bufferedAmount).toBe(2);
    ws.send('after the blob');
    ws.send(buffer);
    buffer[0] = 0; // send() copied it
    await until(() => received.length === 3);
    expect(received).toEqual(['bytes 7,8', 'after the blob', 'bytes 9']);
    ws.close();
  });

  // Regression: `bytes.slice()` on a Node Buffer is a view, not a copy. send(buffer) then
  // buffer.fill(9) made the peer receive 9s, and a message that arrived as a Buffer was delivered
  // as the whole ArrayBuffer under it (Buffer.from's 8 KiB pool).
  it('copies a Node Buffer on send, and delivers a received Buffer as exactly its bytes', async () => {
    const bufferConnect: WebSocketConnector = async (url, protocols, signal) => {
      const client = await memoryConnect(url, protocols, signal);
      // Received binary messages as Node's transports may hand them over: pooled Buffers.
      const on = client.on.bind(client);
      client.on = ((event: 'message', listener: (data: string | Uint8Array) => void) =>
        on(event, (data) =>
          listener(typeof data === 'string' ? data : Buffer.from(data)),
        )) as typeof client.on;
      return client;
    };
    const ws = open('/echo', [], bufferConnect);
    await until(() => ws.readyState === ws.OPEN);
    ws.binaryType = 'arraybuffer';
    const received: ArrayBuffer[] = [];
    ws.onmessage = (event) => received.push(event.data as ArrayBuffer);
    const buffer = Buffer.from([1, 2, 3]);
    ws.send(buffer);
    buffer.fill(9);
    const view = Buffer.from([4, 5, 6, 7]).subarray(1, 3);
    ws.send(new DataView(view.buffer, view.byteOffset, view.byteLength));
    view.fill(9);
    await until(() => received.length === 2);
    expect(received.map((data) => data.byteLength)).toEqual([3, 2]);
    expect(new Uint8Array(received[0]!)).toEqual(Uint8Array.of(1, 2, 3));
    expect(new Uint8Array(received[1]!)).toEqual(Uint8Array.of(5, 6));
    ws.close();
  });

  it('event handler attributes take one slot each and can be removed', async () => {
    const ws = open('/close?code=1000&message=m');
    const calls: string[] = [];
    ws.onopen = () => calls.push('first onopen');
    ws.onopen = () => calls.push('onopen');
    ws.addEventListener('open', () => calls.push('listener'));
    ws.onmessage = () => calls.push('onmessage');
    ws.onmessage = null;
    ws.onclose = function (event) {
      calls.push(`onclose ${event.code} ${this === ws}`);
    };
    expect(ws.onmessage).toBe(null);
    await until(() => calls.length === 3);
    expect(calls).toEqual(['onopen', 'listener', 'onclose 1000 true']);
  });

  it('keeps counting bufferedAmount for sends after the close started', async () => {
    const ws = open('/echo');
    await until(() => ws.readyState === ws.OPEN);
    ws.close();
    ws.send('héllo');
    expect(ws.bufferedAmount).toBeGreaterThanOrEqual(6);
    await until(() => ws.readyState === ws.CLOSED);
    ws.send(new Uint8Array(10));
    expect(ws.bufferedAmount).toBe(16);
  });
});
