import {
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  WebSocketAbortHandle,
  WebSocketBeginClientHandshake,
  WebSocketCompleteAction,
  WebSocketCreateClientHandle,
  WebSocketGetAction,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { Action, connectedPair, drive, flushSend, ok, Queue, receiveOne, utf8, Wire } from './helpers.js';

const Type = WEB_SOCKET_BUFFER_TYPE;

describe('websocket.dll operations: send, receive, actions', () => {
  it('W2 WEB_SOCKET_MAX_CLOSE_REASON_LENGTH: reasons over 123 bytes are refused, 123 go through', () => {
    expect(WEB_SOCKET_MAX_CLOSE_REASON_LENGTH).toBe(123);
    const { client, server, toServer, toClient } = connectedPair();
    const close = (reason: Uint8Array) =>
      WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, { closeStatus: { status: 1000, reason } });
    expect(close(new Uint8Array(124).fill(0x61))).toBe(E_INVALIDARG);
    expect(close(utf8('é'.repeat(62)))).toBe(E_INVALIDARG); // 124 bytes of UTF-8
    const longest = new Uint8Array(123).fill(0x61);
    expect(close(longest)).toBe(S_OK);
    flushSend(client, toServer);
    const indication = receiveOne(server, toServer, toClient).indication!;
    expect(indication.buffers[0]!.closeStatus!.reason).toEqual(longest);
  });

  it('W9 WebSocketSend: one outstanding send; NULL buffer for ping/pong; only control frames after CLOSE', () => {
    const { client, toServer } = connectedPair();
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(1) }, 'first'),
    ).toBe(S_OK);
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(2) }),
    ).toBe(E_INVALID_PROTOCOL_OPERATION);
    const steps = flushSend(client, toServer);
    expect(steps.map((step) => step.applicationContext)).toEqual(['first', 'first']);
    // Done: the next send may go.
    expect(WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE, { data: Uint8Array.of(1) })).toBe(
      E_INVALIDARG,
    );
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, { data: Uint8Array.of(1) }),
    ).toBe(E_INVALIDARG);
    expect(WebSocketSend(client, 0x80000007 as never)).toBe(E_INVALIDARG);
    expect(WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, { data: Uint8Array.of(3, 232) })).toBe(
      E_INVALIDARG,
    );
    expect(WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, { closeStatus: { status: 1006 } })).toBe(
      E_INVALIDARG,
    );
    // Fragments keep their type.
    expect(WebSocketSend(client, Type.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE, { data: utf8('a') })).toBe(S_OK);
    flushSend(client, toServer);
    expect(WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: utf8('b') })).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
    expect(WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('b') })).toBe(S_OK);
    flushSend(client, toServer);
    // CLOSE, then only control frames; a second CLOSE is refused.
    expect(WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, { closeStatus: { status: 1000 } })).toBe(
      S_OK,
    );
    flushSend(client, toServer);
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(1) }),
    ).toBe(E_INVALID_PROTOCOL_OPERATION);
    expect(WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE)).toBe(E_INVALID_PROTOCOL_OPERATION);
    expect(WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(S_OK);
    flushSend(client, toServer);
    expect(WebSocketSend(client, Type.WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE)).toBe(S_OK);
  });

  it('W10 WebSocketReceive: one outstanding receive; NULL buffer is zero-copy, a caller buffer is filled', () => {
    const { client, server, toServer, toClient } = connectedPair();
    expect(WebSocketReceive(server, undefined, 'r1')).toBe(S_OK);
    expect(WebSocketReceive(server)).toBe(E_INVALID_PROTOCOL_OPERATION);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(1, 2, 3) });
    flushSend(client, toServer);

    // Zero-copy: the indicated data is a view into the space RECEIVE_FROM_NETWORK handed out.
    const read = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(read).toMatchObject({
      action: Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION,
      applicationContext: 'r1',
    });
    const space = read.dataBuffers[0]!.data!;
    WebSocketCompleteAction(server, read.actionContext!, toServer.read(space));
    const indicated = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(indicated.dataBuffers[0]!.data).toEqual(Uint8Array.of(1, 2, 3));
    expect(indicated.dataBuffers[0]!.data!.buffer).toBe(space.buffer);
    WebSocketCompleteAction(server, indicated.actionContext!, 0);

    // A caller buffer: the data is copied into it, at most its length per indication.
    const mine = new Uint8Array(2);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(4, 5, 6) });
    flushSend(client, toServer);
    const first = receiveOne(server, toServer, toClient, { data: mine }).indication!;
    expect(first.bufferType).toBe(Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
    expect(mine).toEqual(Uint8Array.of(4, 5));
    const second = receiveOne(server, toServer, toClient, { data: mine }).indication!;
    expect(second.bufferType).toBe(Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE);
    expect(second.buffers[0]!.data).toEqual(Uint8Array.of(6));
    expect(WebSocketReceive(server, { data: new Uint8Array(0) })).toBe(E_INVALIDARG);
  });

  it('W11 WebSocketGetAction: pairs with CompleteAction, fills at most the given buffer count', () => {
    const { client, server, toClient } = connectedPair();
    expect(WebSocketGetAction(server, 0 as never, 2).hr).toBe(E_INVALIDARG);
    expect(WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 0).hr).toBe(E_INVALIDARG);
    expect(WebSocketGetAction(server, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 2)).toMatchObject({
      hr: S_OK,
      action: Action.WEB_SOCKET_NO_ACTION,
      applicationContext: undefined,
      actionContext: undefined,
    });
    // A 2000-byte server frame is a header and the caller's payload: two buffers, or one at a time.
    const payload = new Uint8Array(2000);
    expect(WebSocketSend(server, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: payload }, 'ctx')).toBe(
      S_OK,
    );
    const header = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 1);
    expect(header).toMatchObject({
      action: Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
      bufferType: Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
      applicationContext: 'ctx',
    });
    expect(header.dataBuffers.map((buffer) => buffer.data!.length)).toEqual([4]);
    // Until it is completed, the queue has nothing else to hand out.
    expect(WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 1).action).toBe(
      Action.WEB_SOCKET_NO_ACTION,
    );
    WebSocketCompleteAction(server, header.actionContext!, 4);
    const body = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 1);
    expect(body.dataBuffers[0]!.data).toBe(payload); // zero-copy: the caller's own bytes
    WebSocketCompleteAction(server, body.actionContext!, 2000);
    const complete = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 1);
    expect(complete).toMatchObject({
      action: Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION,
      applicationContext: 'ctx',
    });
    WebSocketCompleteAction(server, complete.actionContext!, 0);
    // Errors come from the receive side only: a send queue never reports the peer's mistakes.
    toClient.write(Uint8Array.of(0x83, 0x00)); // reserved opcode 3
    expect(WebSocketReceive(client)).toBe(S_OK);
    expect(WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(S_OK);
    const sendSide = drive(client, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, new Wire());
    expect(sendSide.hr).toBe(S_OK);
    const receiveSide = drive(client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, new Wire(), toClient);
    expect(receiveSide.hr).not.toBe(S_OK);
  });

  it('W12 CompleteAction: 0 bytes written at a frame boundary drops that send and nothing else', () => {
    const { client, server, toServer, toClient } = connectedPair();
    WebSocketSend(server, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('dropped') }, 'a');
    const skipped = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    WebSocketCompleteAction(server, skipped.actionContext!, 0);
    const complete = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    expect(complete).toMatchObject({
      action: Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION,
      applicationContext: 'a',
    });
    WebSocketCompleteAction(server, complete.actionContext!, 0);
    // No byte of the frame went out, so the stream is intact: the next message arrives alone.
    expect(WebSocketSend(server, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('kept') })).toBe(
      S_OK,
    );
    flushSend(server, toClient);
    const indication = receiveOne(client, toClient, toServer).indication!;
    expect(indication.buffers[0]!.data).toEqual(utf8('kept'));
  });

  it('W12 CompleteAction: partial send cancels', () => {
    const { server, toClient } = connectedPair();
    WebSocketSend(server, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('partial') }, 'b');
    const write = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    toClient.write(write.dataBuffers[0]!.data!.subarray(0, 3));
    WebSocketCompleteAction(server, write.actionContext!, 3);
    // The next action is the completion, although not everything went out…
    const complete = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    expect(complete).toMatchObject({
      action: Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION,
      applicationContext: 'b',
    });
    WebSocketCompleteAction(server, complete.actionContext!, 12345); // ignored for indications
    // …and half a frame is on the wire: nothing more can be sent on this handle.
    expect(WebSocketSend(server, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(E_INVALID_PROTOCOL_OPERATION);
  });

  it('W12 CompleteAction: a 0-byte read cancels the receive (CLOSE 1006 indicated); misuse throws', () => {
    const { client, server, toServer } = connectedPair();
    expect(WebSocketReceive(server, undefined, 'r')).toBe(S_OK);
    const read = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(() => WebSocketCompleteAction(server, read.actionContext!, 4097)).toThrow(RangeError);
    expect(() => WebSocketCompleteAction(server, {} as never, 0)).toThrow(TypeError);
    expect(() => WebSocketCompleteAction(server, read.actionContext!, -1)).toThrow(TypeError);
    WebSocketCompleteAction(server, read.actionContext!, 0);
    expect(() => WebSocketCompleteAction(server, read.actionContext!, 0)).toThrow(TypeError); // once only
    const cancelled = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(cancelled).toMatchObject({
      action: Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION,
      bufferType: Type.WEB_SOCKET_CLOSE_BUFFER_TYPE,
      applicationContext: 'r',
      dataBuffers: [{ closeStatus: { status: 1006, reason: undefined } }],
    });
    WebSocketCompleteAction(server, cancelled.actionContext!, 0);
    // The session itself goes on: a new receive reads what arrives later.
    WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('later') });
    flushSend(client, toServer);
    expect(receiveOne(server, toServer, new Wire()).indication!.buffers[0]!.data).toEqual(utf8('later'));
  });

  it('W13 WebSocketAbortHandle: no-op before the handshake; then sends and receives fail, queued ones drain', () => {
    const early = ok(WebSocketCreateClientHandle()).handle!;
    WebSocketAbortHandle(early);
    expect(WebSocketBeginClientHandshake(early, undefined, undefined, []).hr).toBe(S_OK); // still usable

    const { client, toServer } = connectedPair();
    expect(
      WebSocketSend(
        client,
        Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
        { data: new Uint8Array(10_000) },
        's',
      ),
    ).toBe(S_OK);
    expect(WebSocketReceive(client, undefined, 'r')).toBe(S_OK);
    // One write is in flight when the abort comes.
    const inFlight = WebSocketGetAction(client, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    WebSocketAbortHandle(client);
    WebSocketAbortHandle(client); // twice is fine
    expect(WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(E_INVALID_PROTOCOL_OPERATION);
    expect(WebSocketReceive(client)).toBe(E_INVALID_PROTOCOL_OPERATION);
    // .NET's drain loop: GetAction, CompleteAction(0), until NO_ACTION.
    const drained: [number, unknown][] = [];
    WebSocketCompleteAction(client, inFlight.actionContext!, 0);
    for (;;) {
      const next = WebSocketGetAction(client, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 2);
      if (next.action === Action.WEB_SOCKET_NO_ACTION) break;
      drained.push([next.action, next.applicationContext]);
      if (next.bufferType === Type.WEB_SOCKET_CLOSE_BUFFER_TYPE) {
        expect(next.dataBuffers[0]!.closeStatus!.status).toBe(1006);
      }
      WebSocketCompleteAction(client, next.actionContext!, 0);
    }
    expect(drained).toEqual([
      [Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION, 's'],
      [Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION, 'r'],
    ]);
    expect(toServer.size).toBe(0); // nothing touched the network after the abort
  });

  it('W17 WEB_SOCKET_ACTION_QUEUE: auto-pongs go to the RECEIVE queue; ALL is the union', () => {
    const { client, server, toServer, toClient } = connectedPair();
    WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    flushSend(client, toServer);
    WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('x') });
    flushSend(client, toServer);
    expect(WebSocketReceive(server)).toBe(S_OK);
    const read = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    WebSocketCompleteAction(server, read.actionContext!, toServer.read(read.dataBuffers[0]!.data!));
    // The pong is not on the send queue…
    expect(WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2).action).toBe(
      Action.WEB_SOCKET_NO_ACTION,
    );
    // …but on the receive queue, before the indication; ALL returns both.
    const all = drive(server, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, toClient);
    expect(all.steps.map((step) => [step.action, step.bufferType])).toEqual([
      [Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE],
      [Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE],
    ]);
    expect(Array.from(toClient.take())).toEqual([0x8a, 0x00]);
  });

  it('W18 WEB_SOCKET_BUFFER_TYPE: PING_PONG is a ping on send and a pong on receive; big messages are split', () => {
    const { client, server, toServer, toClient } = connectedPair();
    WebSocketSend(client, Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    flushSend(client, toServer);
    expect(toServer.size).toBe(6); // 89 80 + mask key: a ping
    const atServer = receiveOne(server, toServer, toClient);
    expect(atServer.indication).toBeDefined(); // the ping itself is not indicated: the read found no more data
    expect(atServer.indication!.buffers[0]!.closeStatus!.status).toBe(1006);
    const atClient = receiveOne(client, toClient, toServer).indication!;
    expect(atClient.bufferType).toBe(Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE); // the pong arrived

    // A 10 000-byte message through a 4096-byte receive buffer: FRAGMENT, FRAGMENT, MESSAGE.
    const message = Uint8Array.from({ length: 10_000 }, (_, index) => index & 0xff);
    WebSocketSend(server, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: message });
    flushSend(server, toClient);
    const pieces = [0, 1, 2].map(() => receiveOne(client, toClient, toServer).indication!);
    expect(pieces.map((piece) => [piece.bufferType, piece.buffers[0]!.data!.length])).toEqual([
      [Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, 4096 - 4],
      [Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE, 4096],
      [Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 10_000 - 4092 - 4096],
    ]);
  });

  it('W23 WEB_SOCKET_BUFFER: data for data types, closeStatus only for CLOSE', () => {
    const { client, server, toServer, toClient } = connectedPair();
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, {
        closeStatus: { status: 1000 },
      } as never),
    ).toBe(E_INVALIDARG);
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: 1000, reason: Uint8Array.of(0xff) },
      }),
    ).toBe(E_INVALIDARG); // the reason must be UTF-8
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: 1005, reason: utf8('x') },
      }),
    ).toBe(E_INVALIDARG); // no status, so no reason
    expect(WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE)).toBe(S_OK); // an empty message
    flushSend(client, toServer);
    expect(receiveOne(server, toServer, toClient).indication!.buffers).toEqual([{ data: new Uint8Array(0) }]);
    expect(
      WebSocketSend(client, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, {
        closeStatus: { status: 4000, reason: new Uint8Array(0) },
      }),
    ).toBe(S_OK);
    flushSend(client, toServer);
    const close = receiveOne(server, toServer, toClient).indication!;
    expect(close.buffers).toEqual([{ closeStatus: { status: 4000, reason: undefined } }]); // NULL reason
  });

  it('W24 RECEIVE_BUFFER_SIZE: caps each network read and each indication', () => {
    const { client, server, toServer, toClient } = connectedPair({ server: [{ type: 0, value: 256 }] });
    WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, {
      data: new Uint8Array(1000).fill(0x61),
    });
    flushSend(client, toServer);
    const sizes: [number, number | undefined][] = [];
    for (;;) {
      const { steps, indication } = receiveOne(server, toServer, toClient);
      for (const step of steps) sizes.push([step.action, step.buffers[0]?.data?.length]);
      if (indication?.bufferType === Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE) break;
    }
    expect(sizes.every(([, size]) => size === undefined || size <= 256)).toBe(true);
    expect(
      sizes.filter(([action]) => action === Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION).length,
    ).toBe(4);
  });

  it('W25 SEND_BUFFER_SIZE: a client sends a long message as masked frames of at most the send buffer', () => {
    const { client, server, toServer, toClient } = connectedPair({ client: [{ type: 1, value: 100 }] });
    const message = Uint8Array.from({ length: 450 }, (_, index) => index & 0xff);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: message });
    const writes = flushSend(client, toServer).filter(
      (step) => step.action === Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
    );
    // Each write is one whole frame: 6 header bytes (mask key included) and up to 94 of payload.
    expect(writes.map((step) => step.buffers[0]!.data!.length)).toEqual([100, 100, 100, 100, 80]);
    expect(writes.map((step) => step.buffers[0]!.data![0])).toEqual([0x02, 0x00, 0x00, 0x00, 0x80]);
    const pieces: Uint8Array[] = [];
    for (;;) {
      const indication = receiveOne(server, toServer, toClient).indication!;
      pieces.push(indication.buffers[0]!.data!);
      if (indication.bufferType === Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) break;
    }
    expect(Uint8Array.from(pieces.flatMap((piece) => Array.from(piece)))).toEqual(message);
  });

  it('W30 auto-pong: a ping is answered on the receive queue without application context', () => {
    const { client, server, toServer, toClient } = connectedPair();
    toClient.write(Uint8Array.of(0x89, 0x02, 0x68, 0x69)); // ping "hi" from the server
    toClient.write(Uint8Array.of(0x82, 0x01, 0x07)); // then a binary message
    const { steps, indication } = receiveOne(client, toClient, toServer);
    const pong = steps.find((step) => step.action === Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION)!;
    expect(pong.applicationContext).toBeUndefined();
    expect(pong.bufferType).toBe(Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    expect(indication!.bufferType).toBe(Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE); // the ping is not indicated
    // The pong carries the ping's payload, masked by the client.
    const atServer = receiveOne(server, toServer, toClient).indication!;
    expect(atServer.bufferType).toBe(Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    expect(atServer.buffers[0]!.data).toEqual(utf8('hi'));
  });
});
