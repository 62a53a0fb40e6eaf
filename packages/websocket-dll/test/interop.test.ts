/**
 * Interop: a websocket.dll-style handle talking to a plain `Connection` engine, both ways, with the
 * plain side's opening handshake done by `@wskit/handshake`.
 */
import { acceptServerHandshake, createClientHandshake, HeaderList } from '@wskit/handshake';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import {
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HTTP_HEADER,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketEndClientHandshake,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { concat, flushSend, ok, receiveAll, receiveOne, text, utf8, Wire } from './helpers.js';

const Type = WEB_SOCKET_BUFFER_TYPE;

const toHeaders = (list: HeaderList): WEB_SOCKET_HTTP_HEADER[] =>
  [...list].map(([name, value]) => ({ name, value }));

/** Feeds what is on `wire` to the engine and puts what it answers on `back`. */
function pumpEngine(engine: Connection, wire: Wire, back: Wire): ConnectionEvent[] {
  if (wire.size > 0) engine.receiveData(wire.take());
  for (const bytes of engine.dataToSend()) back.write(bytes);
  return engine.events();
}

describe('interop between the websocket.dll API and the Connection engine', () => {
  it('a websocket.dll client handle with a Connection server', () => {
    // Handshake: the dll builds the client's headers, @wskit/handshake answers as a server.
    const client = ok(WebSocketCreateClientHandle()).handle!;
    const { additionalHeaders } = ok(WebSocketBeginClientHandshake(client, ['chat'], undefined, undefined));
    const accepted = acceptServerHandshake(
      {
        method: 'GET',
        target: '/',
        version: '1.1',
        headers: new HeaderList([
          ['Host', 'example.com'],
          ...additionalHeaders.map(({ name, value }) => [name, value] as const),
        ]),
      },
      { protocols: ['chat'] },
    );
    if (!accepted.ok) throw accepted.error;
    expect(accepted.response.status).toBe(101);
    expect(WebSocketEndClientHandshake(client, toHeaders(accepted.response.headers))).toEqual({
      hr: S_OK,
      selectedExtensions: [],
      selectedSubprotocol: 0,
    });

    const toServer = new Wire();
    const toClient = new Wire();
    const server = new Connection({ role: 'server', clock: () => 0 });
    server.events(); // open

    // Text and a fragmented binary message from the handle.
    WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('héllo') });
    flushSend(client, toServer);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, { data: Uint8Array.of(1, 2) });
    flushSend(client, toServer);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(3) });
    flushSend(client, toServer);
    expect(pumpEngine(server, toServer, toClient)).toEqual([
      { type: 'message', messageType: 'text', data: 'héllo' },
      { type: 'message', messageType: 'binary', data: Uint8Array.of(1, 2, 3) },
    ]);

    // The engine pings and sends a message; the handle answers the ping by itself.
    server.sendPing(utf8('are you there'));
    server.sendText('from the engine');
    pumpEngine(server, toServer, toClient);
    const indications = receiveAll(client, toClient, toServer);
    expect(indications.map((step) => [step.bufferType, text(step.buffers[0]!.data!)])).toEqual([
      [Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 'from the engine'],
    ]);
    expect(pumpEngine(server, toServer, toClient)).toEqual([{ type: 'pong', data: utf8('are you there') }]);

    // The engine closes; the handle indicates it, and the application's reply (here the same
    // status, without a reason) completes the close handshake.
    server.sendClose(1001, 'going away');
    pumpEngine(server, toServer, toClient);
    const close = receiveOne(client, toClient, toServer).indication!;
    expect(close.buffers[0]!.closeStatus).toEqual({ status: 1001, reason: utf8('going away') });
    expect(pumpEngine(server, toServer, toClient)).toEqual([]);
    expect(WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, { closeStatus: { status: 1001 } })).toBe(
      S_OK,
    );
    flushSend(client, toServer);
    expect(pumpEngine(server, toServer, toClient)).toEqual([
      { type: 'close', code: 1001, reason: '', wasClean: true },
    ]);
    expect(server.state).toBe('CLOSED');
  });

  it('a Connection client with a websocket.dll server handle', () => {
    // Handshake: @wskit/handshake builds the request, the dll answers it.
    const handshake = createClientHandshake({ host: 'example.com', path: '/chat', protocols: ['a', 'b'] });
    const server = ok(WebSocketCreateServerHandle()).handle!;
    const { responseHeaders } = ok(
      WebSocketBeginServerHandshake(server, 'b', undefined, toHeaders(handshake.request.headers)),
    );
    const validated = handshake.validateResponse({
      version: '1.1',
      status: 101,
      reason: 'Switching Protocols',
      headers: new HeaderList(responseHeaders.map(({ name, value }) => [name, value] as const)),
    });
    if (!validated.ok) throw validated.error;
    expect(validated.protocol).toBe('b');

    const toServer = new Wire();
    const toClient = new Wire();
    const client = new Connection({ role: 'client', clock: () => 0 });
    client.events(); // open

    // The engine sends; the handle receives (a 5000-byte message in 4096-byte pieces) and echoes.
    const big = Uint8Array.from({ length: 5000 }, (_, index) => (index * 13) & 0xff);
    client.sendBinary(big);
    client.startMessage('text', 'fragmented ');
    client.endMessage('text');
    pumpEngine(client, toClient, toServer);
    const received = receiveAll(server, toServer, toClient);
    expect(received.map((step) => step.bufferType)).toEqual([
      Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
      Type.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    ]);
    expect(concat(received.slice(0, 2).map((step) => step.buffers[0]!.data!))).toEqual(big);
    expect(text(concat(received.slice(2).map((step) => step.buffers[0]!.data!)))).toBe('fragmented text');
    for (const step of received) {
      expect(WebSocketSend(server, step.bufferType!, { data: step.buffers[0]!.data!.slice() })).toBe(S_OK);
      flushSend(server, toClient);
    }
    expect(pumpEngine(client, toClient, toServer)).toEqual([
      { type: 'message', messageType: 'binary', data: big },
      { type: 'message', messageType: 'text', data: 'fragmented text' },
    ]);

    // The handle pings; the engine pongs; the handle indicates the pong.
    WebSocketSend(server, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    flushSend(server, toClient);
    expect(pumpEngine(client, toClient, toServer)).toEqual([{ type: 'ping', data: new Uint8Array(0) }]);
    expect(receiveOne(server, toServer, toClient).indication!.bufferType).toBe(
      Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE,
    );

    // The handle closes; the engine replies; the handle indicates the reply.
    WebSocketSend(server, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
      closeStatus: { status: 1000, reason: utf8('done') },
    });
    flushSend(server, toClient);
    expect(pumpEngine(client, toClient, toServer)).toEqual([
      { type: 'closeReceived', code: 1000, reason: 'done' },
      { type: 'close', code: 1000, reason: 'done', wasClean: true },
    ]);
    const reply = receiveOne(server, toServer, toClient).indication!;
    expect(reply.buffers[0]!.closeStatus).toEqual({ status: 1000, reason: undefined });
  });
});
