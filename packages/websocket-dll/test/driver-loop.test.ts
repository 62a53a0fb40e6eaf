/**
 * A tutorial, written as a test: the driver loop every websocket.dll application writes, step by
 * step. Read it top to bottom. The library does no I/O: it tells you what to write and where to
 * read, through `WebSocketGetAction`, and you tell it what happened, through
 * `WebSocketCompleteAction`. Here the "network" is two arrays of byte chunks.
 */
import {
  S_OK,
  WEB_SOCKET_ACTION,
  WEB_SOCKET_ACTION_QUEUE,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HANDLE,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCompleteAction,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketDeleteHandle,
  WebSocketEndClientHandshake,
  WebSocketEndServerHandshake,
  WebSocketGetAction,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';

describe('the documented driver loop, as a tutorial', () => {
  it('sends a message from a client handle and receives it on a server handle', () => {
    // ---- 0. A fake network ---------------------------------------------------------------------
    // What the client writes, the server reads. A real program would use a socket.
    const network: Uint8Array[] = [];
    const writeToNetwork = (bytes: Uint8Array) => network.push(bytes.slice()); // copy: see step 2
    const readFromNetwork = (into: Uint8Array): number => {
      const chunk = network.shift();
      if (chunk === undefined) return 0; // a real socket would wait here
      into.set(chunk.subarray(0, into.length));
      if (chunk.length > into.length) network.unshift(chunk.subarray(into.length));
      return Math.min(chunk.length, into.length);
    };

    // ---- 1. Handles and the opening handshake ----------------------------------------------------
    // The library builds and checks the handshake headers; the HTTP request and response themselves
    // (request line, status 101) are yours to send.
    const client = WebSocketCreateClientHandle().handle as WEB_SOCKET_HANDLE;
    const server = WebSocketCreateServerHandle().handle as WEB_SOCKET_HANDLE;

    // The client: the headers to add to its GET request (Upgrade, Connection, Key, Version).
    const begin = WebSocketBeginClientHandshake(client, ['chat'], undefined, [
      { name: 'Host', value: 'example.com' },
    ]);
    expect(begin.hr).toBe(S_OK);
    const requestHeaders = [{ name: 'Host', value: 'example.com' }, ...begin.additionalHeaders];

    // The server: checks the request headers, picks the subprotocol, returns the 101's headers.
    const accepted = WebSocketBeginServerHandshake(server, 'chat', undefined, requestHeaders);
    expect(accepted.hr).toBe(S_OK);
    expect(WebSocketEndServerHandshake(server)).toBe(S_OK); // optional

    // The client checks the response headers (Accept, Upgrade, Connection, the subprotocol).
    const end = WebSocketEndClientHandshake(client, accepted.responseHeaders);
    expect(end.hr).toBe(S_OK);
    expect(end.selectedSubprotocol).toBe(0); // the index of 'chat' in what the client offered

    // ---- 2. The sender's loop ----------------------------------------------------------------------
    // Queue one send with a context of your own; it comes back with every action of this send.
    const message = new TextEncoder().encode('Hello from the client');
    expect(
      WebSocketSend(
        client,
        WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
        { data: message },
        'send #1',
      ),
    ).toBe(S_OK);

    const senderLog: string[] = [];
    for (let done = false; !done; ) {
      // Ask for the next thing to do on the send queue, with room for two buffers (frame header and
      // payload may come apart).
      const next = WebSocketGetAction(client, WEB_SOCKET_ACTION_QUEUE.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
      expect(next.hr).toBe(S_OK);
      switch (next.action) {
        case WEB_SOCKET_ACTION.WEB_SOCKET_SEND_TO_NETWORK_ACTION: {
          // Write every buffer, in order. They belong to the library and are valid only until the
          // CompleteAction call: write (or copy) them now.
          let written = 0;
          for (const buffer of next.dataBuffers) {
            writeToNetwork(buffer.data!);
            written += buffer.data!.length;
          }
          // Report how much went out. Fewer bytes than handed out would cancel the send.
          WebSocketCompleteAction(client, next.actionContext!, written);
          senderLog.push(`wrote ${written} bytes for ${String(next.applicationContext)}`);
          break;
        }
        case WEB_SOCKET_ACTION.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
          // The send is finished: its buffer (`message`) may be reused now. Complete with 0.
          WebSocketCompleteAction(client, next.actionContext!, 0);
          senderLog.push(`${String(next.applicationContext)} complete`);
          break;
        case WEB_SOCKET_ACTION.WEB_SOCKET_NO_ACTION:
          // Nothing left to do on this queue.
          done = true;
          break;
      }
    }
    // The client masks its frames: 2 header bytes + 4 mask key bytes + 21 payload bytes.
    expect(senderLog).toEqual(['wrote 27 bytes for send #1', 'send #1 complete']);

    // ---- 3. The receiver's loop ------------------------------------------------------------------
    // Queue one receive. Without a buffer of your own, the data is handed out as views into the
    // library's buffers (zero-copy), valid until CompleteAction.
    expect(WebSocketReceive(server, undefined, 'receive #1')).toBe(S_OK);

    const received: Uint8Array[] = [];
    let receivedType: number | undefined;
    for (let done = false; !done; ) {
      const next = WebSocketGetAction(server, WEB_SOCKET_ACTION_QUEUE.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
      expect(next.hr).toBe(S_OK); // a protocol error from the peer would show up here
      switch (next.action) {
        case WEB_SOCKET_ACTION.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION: {
          // Fill the free space the library gives you (at most the receive buffer size) with bytes
          // from the network, and say how many. 0 means the connection ended: it cancels the receive.
          const space = next.dataBuffers[0]!.data!;
          WebSocketCompleteAction(server, next.actionContext!, readFromNetwork(space));
          break;
        }
        case WEB_SOCKET_ACTION.WEB_SOCKET_SEND_TO_NETWORK_ACTION: {
          // The receive queue also writes: the pong answering a ping (no application context), or
          // the close frame of a protocol failure. Write it like any send. (Not needed in this example.)
          let written = 0;
          for (const buffer of next.dataBuffers) {
            writeToNetwork(buffer.data!);
            written += buffer.data!.length;
          }
          WebSocketCompleteAction(server, next.actionContext!, written);
          break;
        }
        case WEB_SOCKET_ACTION.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
          // Data arrived. A message longer than the receive buffer arrives as *_FRAGMENT pieces and
          // a final *_MESSAGE; a CLOSE carries `closeStatus` instead of `data`.
          received.push(next.dataBuffers[0]!.data!.slice()); // copy before completing
          receivedType = next.bufferType;
          expect(next.applicationContext).toBe('receive #1');
          WebSocketCompleteAction(server, next.actionContext!, 0);
          break;
        case WEB_SOCKET_ACTION.WEB_SOCKET_NO_ACTION:
          // The receive operation is over: queue another one to go on receiving.
          done = true;
          break;
      }
    }
    expect(receivedType).toBe(WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    expect(new TextDecoder().decode(received[0])).toBe('Hello from the client');

    // ---- 4. Cleaning up ------------------------------------------------------------------------------
    // When every operation is done (WebSocketAbortHandle would flush unfinished ones), free the
    // handles. Using one afterwards throws TypeError("invalid handle").
    WebSocketDeleteHandle(client);
    WebSocketDeleteHandle(server);
    expect(() => WebSocketReceive(server)).toThrow('invalid handle');
  });
});
