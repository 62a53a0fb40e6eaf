/** The idiomatic WebSocket API: sends, streams, control frames, close, async iteration, events. */
import { isWebSocketError, WebSocket, type WebSocket as WebSocketType } from '@wskit/transport';
import { createWebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { sleep, turn, until } from './helpers.js';

async function next(ws: WebSocketType): Promise<string | Uint8Array> {
  const iterator = ws[Symbol.asyncIterator]();
  const result = await iterator.next();
  await iterator.return?.();
  if (result.done) throw new Error('closed');
  return result.value;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('WebSocket', () => {
  it('has the readyState constants on the class and on instances', () => {
    const { client } = createWebSocketPair();
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([client.CONNECTING, client.OPEN, client.CLOSING, client.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(client).toBeInstanceOf(WebSocket);
    expect(client.readyState).toBe(WebSocket.OPEN);
    expect(client.role).toBe('client');
    expect(client.protocol).toBe('');
    expect(client.extensions).toBe('');
  });

  it('sends strings as text and every kind of bytes as binary', async () => {
    const { client, server } = createWebSocketPair({ protocol: 'chat', url: 'ws://example/path' });
    expect(server.protocol).toBe('chat');
    expect(client.url).toBe('ws://example/path');
    const buffer = Uint8Array.of(1, 2, 3, 4, 5, 6).buffer;
    void client.send('text');
    void client.send(Uint8Array.of(1));
    void client.send(buffer);
    void client.send(new DataView(buffer, 2, 2));
    void client.send(new Uint16Array([0x0102]));
    expect(await next(server)).toBe('text');
    expect(await next(server)).toEqual(Uint8Array.of(1));
    expect(await next(server)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(await next(server)).toEqual(Uint8Array.of(3, 4));
    expect((await next(server)) as Uint8Array).toHaveLength(2);
    // @ts-expect-error: numbers are not messages
    expect(() => client.send(42)).toThrow(TypeError);
  });

  it('streams a message in fragments; later messages wait for the stream to end', async () => {
    const { client, server } = createWebSocketPair();
    const stream = client.stream('binary');
    void client.send('after the stream');
    await stream.write(Uint8Array.of(1, 2));
    await stream.write(new Uint8Array(0));
    expect(stream.ended).toBe(false);
    await stream.end(Uint8Array.of(3));
    expect(stream.ended).toBe(true);
    expect(() => stream.write(Uint8Array.of(4))).toThrow(TypeError);
    expect(await next(server)).toEqual(Uint8Array.of(1, 2, 3));
    expect(await next(server)).toBe('after the stream');

    const text = client.stream('text');
    expect(() => client.stream('json' as 'text')).toThrow(TypeError);
    await text.write('snow');
    await text.write(new TextEncoder().encode('man ☃'));
    await text.end();
    expect(await next(server)).toBe('snowman ☃');
    expect(() => client.stream('binary').write('no strings')).toThrow(TypeError);
  });

  it('sends pings and pongs and reports them as events', async () => {
    const { client, server } = createWebSocketPair({ server: { autoPong: false } });
    const pings: string[] = [];
    const pongs: string[] = [];
    const decoder = new TextDecoder();
    server.on('ping', (data) => {
      pings.push(decoder.decode(data));
      void server.pong(data);
    });
    client.on('pong', (data) => pongs.push(decoder.decode(data)));
    await client.ping('one');
    await client.ping(Uint8Array.of(0x74, 0x77, 0x6f));
    await server.pong('heartbeat');
    await until(() => pongs.length === 3);
    expect(pings).toEqual(['one', 'two']);
    expect([...pongs].sort()).toEqual(['heartbeat', 'one', 'two']);
    expect(() => client.ping(new Uint8Array(126))).toThrow(RangeError);
  });

  it('closes with a code and reason; both sides see the close; sending after close rejects', async () => {
    const { client, server } = createWebSocketPair();
    const serverEvents: string[] = [];
    server.on('close', (code, reason, wasClean) => serverEvents.push(`close ${code} ${reason} ${wasClean}`));
    expect(() => client.close(1005)).toThrow(RangeError);
    expect(() => client.close(1000, 'x'.repeat(124))).toThrow(RangeError);
    expect(() => client.close(1000, 42 as unknown as string)).toThrow(TypeError);
    expect(client.readyState).toBe(client.OPEN);
    client.close(4000, 'done');
    client.close(4001); // already closing: nothing
    expect(client.readyState).toBe(client.CLOSING);
    // Nothing goes on the wire after our close frame: pings and pongs reject too.
    const ping = rejection(client.ping());
    const pong = rejection(client.pong());
    const error = await rejection(client.send('late'));
    expect(isWebSocketError(error) && error.code).toBe('WS_ERR_NOT_OPEN');
    const pingError = await ping;
    expect(isWebSocketError(pingError) && pingError.message).toBe(
      'cannot send a ping: the WebSocket is closing or closed',
    );
    const pongError = await pong;
    expect(isWebSocketError(pongError) && pongError.code).toBe('WS_ERR_NOT_OPEN');
    expect(await client.closed).toEqual({ code: 4000, reason: '', wasClean: true });
    expect(client.readyState).toBe(client.CLOSED);
    expect(await server.closed).toEqual({ code: 4000, reason: 'done', wasClean: true });
    expect(serverEvents).toEqual(['close 4000 done true']);
    expect(isWebSocketError(await rejection(client.ping()))).toBe(true);
    await expect(client.drained()).resolves.toBeUndefined();
  });

  it('sends what was queued before the close frame', async () => {
    const { client, server } = createWebSocketPair({ transport: { highWaterMark: 100 } });
    const sends = [client.send(new Uint8Array(1000)), client.send('second'), client.send('third')];
    client.close(1000);
    await Promise.all(sends);
    const received: (string | Uint8Array)[] = [];
    for await (const message of server) received.push(message);
    expect(received.map((message) => message.length)).toEqual([1000, 6, 5]);
  });

  it('iterates over messages, also those that arrived before the loop, until the close', async () => {
    const { client, server } = createWebSocketPair();
    void server.send('one');
    await sleep(5);
    void server.send('two');
    void server.send(Uint8Array.of(3));
    server.close(1000);
    const received: (string | Uint8Array)[] = [];
    for await (const message of client) received.push(message);
    expect(received).toEqual(['one', 'two', Uint8Array.of(3)]);
    const iterator = client[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('leaving a loop early keeps the WebSocket open and the rest of the messages', async () => {
    const { client, server } = createWebSocketPair();
    for (const message of ['a', 'b', 'c']) void server.send(message);
    for await (const message of client) {
      expect(message).toBe('a');
      break;
    }
    expect(client.readyState).toBe(client.OPEN);
    await sleep(5);
    const later: (string | Uint8Array)[] = [];
    client.on('message', (message) => later.push(message));
    await turn();
    expect(later).toEqual(['b', 'c']);
  });

  it('delivers pieces with delivery: pieces and refuses async iteration then', async () => {
    const { client, server } = createWebSocketPair({ client: { delivery: 'pieces' } });
    const pieces: string[] = [];
    client.on('messagePiece', (piece) => pieces.push(`${piece.type}:${piece.data.length}:${piece.final}`));
    void server.send(new Uint8Array(10));
    await until(() => pieces.length > 0);
    expect(pieces).toEqual(['binary:10:true']);
    expect(() => client[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it('emits to on, once and not after off; listener errors do not break the session', async () => {
    const { client, server } = createWebSocketPair();
    const calls: string[] = [];
    const listener = (message: string | Uint8Array): void => {
      calls.push(`on ${String(message)}`);
    };
    client.on('message', listener);
    client.once('message', (message) => calls.push(`once ${String(message)}`));
    expect(client.listenerCount('message')).toBe(2);
    void server.send('1');
    await until(() => calls.length === 2);
    client.off('message', listener);
    client.off('message', listener); // not registered any more: nothing
    expect(client.listenerCount('message')).toBe(0);
    client.on('message', (message) => calls.push(`new ${String(message)}`));
    void server.send('2');
    await until(() => calls.length === 3);
    expect(calls).toEqual(['on 1', 'once 1', 'new 2']);
    expect(() => client.on('message', 'nope' as never)).toThrow(TypeError);
  });

  it('serves several waiting iterators in the order they wait; an early return ends only its own waits', async () => {
    const { client, server } = createWebSocketPair();
    const a = client[Symbol.asyncIterator]();
    const b = client[Symbol.asyncIterator]();
    const a1 = a.next();
    const b1 = b.next();
    const a2 = a.next();
    void server.send('1');
    void server.send('2');
    expect(await a1).toEqual({ value: '1', done: false });
    expect(await b1).toEqual({ value: '2', done: false });
    // a2 waits first, b2 behind it; a returns early: a2 ends, b2 is next in line.
    const b2 = b.next();
    await a.return?.();
    expect(await a2).toEqual({ value: undefined, done: true });
    void server.send('3');
    expect(await b2).toEqual({ value: '3', done: false });
    const b3 = b.next();
    const b4 = b.next();
    void server.close(1000);
    expect(await b3).toEqual({ value: undefined, done: true });
    expect(await b4).toEqual({ value: undefined, done: true });
  });

  it('keeps messages once the last message listener is gone (a once listener too), for the next one', async () => {
    const { client, server } = createWebSocketPair();
    const calls: string[] = [];
    client.once('message', (message) => calls.push(`once ${String(message)}`));
    void server.send('1');
    await until(() => calls.length === 1);
    // No listener now: these are kept, not emitted to nobody.
    void server.send('2');
    void server.send('3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual(['once 1']);
    const listener = (message: string | Uint8Array): void => {
      calls.push(`on ${String(message)}`);
    };
    client.on('message', listener);
    await until(() => calls.length === 3);
    client.off('message', listener);
    void server.send('4');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const iterator = client[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('4');
    expect(calls).toEqual(['once 1', 'on 2', 'on 3']);
  });

  it('terminate() closes with 1006 and no error event', async () => {
    const { client, server } = createWebSocketPair();
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    client.terminate();
    client.terminate();
    expect(await client.closed).toEqual({ code: 1006, reason: '', wasClean: false });
    expect(errors).toEqual([]);
    expect((await server.closed).code).toBe(1006);
  });
});
