import { createClientHandshake, HeaderList } from '@wskit/handshake';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import {
  S_OK,
  WEB_SOCKET_ACTION,
  WEB_SOCKET_ACTION_QUEUE,
  type WEB_SOCKET_BUFFER,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HANDLE,
  type WEB_SOCKET_HTTP_HEADER,
  WebSocketBeginServerHandshake,
  WebSocketCompleteAction,
  WebSocketCreateServerHandle,
  WebSocketDeleteHandle,
  WebSocketGetAction,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { Wire } from './helpers.js';

// The README's "both APIs side by side" echo servers, verbatim but for the transport (an in-memory
// one whose reads return 0 when the client's bytes run out, like an ended connection).

interface Transport {
  read(into: Uint8Array): number; // 0 at the end of the stream
  write(bytes: Uint8Array): void;
}

function echoWithTheEngine(transport: Transport): void {
  const connection: Connection = new Connection({
    role: 'server',
    clock: () => performance.now(),
    handler: {
      onMessage: (type, data) => (type === 'text' ? connection.sendText(data) : connection.sendBinary(data)),
    },
  });
  const buffer = new Uint8Array(4096);
  while (connection.state !== 'CLOSED') {
    const count = transport.read(buffer);
    if (count === 0) connection.receiveEof();
    else connection.receiveData(buffer.slice(0, count)); // the engine keeps the chunk: give it a copy
    for (const bytes of connection.dataToSend()) transport.write(bytes);
  }
}

// The handshake: check the request's headers; answer with 101 and the headers returned.
function acceptWithWebSocketDll(requestHeaders: WEB_SOCKET_HTTP_HEADER[]) {
  const { handle } = WebSocketCreateServerHandle();
  const { hr, responseHeaders } = WebSocketBeginServerHandshake(
    handle!,
    undefined,
    undefined,
    requestHeaders,
  );
  if (hr !== S_OK) throw new Error(`bad request: 0x${hr.toString(16)}`); // answer 400
  return { handle: handle!, responseHeaders }; // send "HTTP/1.1 101 Switching Protocols" with these
}

function echoWithWebSocketDll(handle: WEB_SOCKET_HANDLE, transport: Transport): void {
  const { WEB_SOCKET_CLOSE_BUFFER_TYPE, WEB_SOCKET_PING_PONG_BUFFER_TYPE } = WEB_SOCKET_BUFFER_TYPE;
  for (;;) {
    WebSocketReceive(handle);
    const piece = runQueue(handle, WEB_SOCKET_ACTION_QUEUE.WEB_SOCKET_RECEIVE_ACTION_QUEUE, transport);
    if (piece === undefined) break; // the connection ended
    if (piece.bufferType === WEB_SOCKET_CLOSE_BUFFER_TYPE) {
      // The peer's close: answer with ours (here the same status), then stop.
      WebSocketSend(handle, WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: piece.buffer.closeStatus!.status },
      });
      runQueue(handle, WEB_SOCKET_ACTION_QUEUE.WEB_SOCKET_SEND_ACTION_QUEUE, transport);
      break;
    }
    if (piece.bufferType === WEB_SOCKET_PING_PONG_BUFFER_TYPE) continue; // a pong: nothing to echo
    // A part of a message (FRAGMENT) or its end (MESSAGE): send it back as it came.
    WebSocketSend(handle, piece.bufferType, piece.buffer);
    runQueue(handle, WEB_SOCKET_ACTION_QUEUE.WEB_SOCKET_SEND_ACTION_QUEUE, transport);
  }
  WebSocketDeleteHandle(handle);
}

/** The driver loop: runs one queue until NO_ACTION; returns what a receive indicated, copied. */
function runQueue(handle: WEB_SOCKET_HANDLE, queue: WEB_SOCKET_ACTION_QUEUE, transport: Transport) {
  let indicated: { bufferType: WEB_SOCKET_BUFFER_TYPE; buffer: WEB_SOCKET_BUFFER } | undefined;
  for (;;) {
    const next = WebSocketGetAction(handle, queue, 2);
    if (next.hr !== S_OK) throw new Error(`protocol error 0x${next.hr.toString(16)}`);
    switch (next.action) {
      case WEB_SOCKET_ACTION.WEB_SOCKET_NO_ACTION:
        return indicated;
      case WEB_SOCKET_ACTION.WEB_SOCKET_SEND_TO_NETWORK_ACTION: {
        let written = 0;
        for (const { data } of next.dataBuffers) {
          transport.write(data!);
          written += data!.length;
        }
        WebSocketCompleteAction(handle, next.actionContext!, written);
        break;
      }
      case WEB_SOCKET_ACTION.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
        WebSocketCompleteAction(handle, next.actionContext!, transport.read(next.dataBuffers[0]!.data!));
        break;
      case WEB_SOCKET_ACTION.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION: {
        const buffer = next.dataBuffers[0]!; // valid until completed: copy the data
        indicated = {
          bufferType: next.bufferType!,
          buffer: buffer.data ? { data: buffer.data.slice() } : buffer,
        };
        WebSocketCompleteAction(handle, next.actionContext!, 0);
        break;
      }
      default: // WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION
        WebSocketCompleteAction(handle, next.actionContext!, 0);
    }
  }
}

/** A client engine's bytes, queued up before the server runs, and a transport over them. */
function clientScript(): { client: Connection; transport: Transport; toClient: Wire } {
  const client = new Connection({ role: 'client', clock: () => 0 });
  client.events();
  client.sendText('hello');
  client.sendPing(Uint8Array.of(9));
  client.sendBinary(Uint8Array.from({ length: 6000 }, (_, index) => index & 0xff)); // > one receive buffer
  client.startMessage('text', 'frag');
  client.endMessage('ment');
  client.sendClose(1000, 'bye');
  const toServer = new Wire();
  const toClient = new Wire();
  for (const bytes of client.dataToSend()) toServer.write(bytes);
  return {
    client,
    toClient,
    transport: { read: (into) => toServer.read(into), write: (bytes) => toClient.write(bytes) },
  };
}

function clientSees(client: Connection, toClient: Wire): ConnectionEvent[] {
  client.receiveData(toClient.take());
  return client.events();
}

describe('README: both APIs side by side', () => {
  it('the engine and the websocket.dll-style API do the same echo', () => {
    const viaEngine = clientScript();
    echoWithTheEngine(viaEngine.transport);
    const engineEvents = clientSees(viaEngine.client, viaEngine.toClient);

    const viaDll = clientScript();
    const handshake = createClientHandshake({ host: 'example.com' });
    const request = [...handshake.request.headers].map(([name, value]) => ({ name, value }));
    const { handle, responseHeaders } = acceptWithWebSocketDll(request);
    expect(
      handshake.validateResponse({
        version: '1.1',
        status: 101,
        reason: 'Switching Protocols',
        headers: new HeaderList(responseHeaders.map(({ name, value }) => [name, value] as const)),
      }).ok,
    ).toBe(true);
    echoWithWebSocketDll(handle, viaDll.transport);
    const dllEvents = clientSees(viaDll.client, viaDll.toClient);

    // The same messages echoed and the same close. Only the pong's place differs: the engine's
    // handler echoes 'hello' while the bytes are decoded, before the ping after it; a websocket.dll
    // application echoes after the indication, when the automatic pong already went out.
    const withoutPong = (events: ConnectionEvent[]) => events.filter((event) => event.type !== 'pong');
    expect(withoutPong(dllEvents)).toEqual(withoutPong(engineEvents));
    expect(engineEvents.map((event) => event.type)).toEqual([
      'message',
      'pong',
      'message',
      'message',
      'close',
    ]);
    expect(dllEvents.map((event) => event.type)).toEqual(['pong', 'message', 'message', 'message', 'close']);
    expect(engineEvents.at(-1)).toEqual({ type: 'close', code: 1000, reason: '', wasClean: true });
  });
});
