import { Connection } from '@wskit/protocol';
import {
  E_INVALID_PROTOCOL_FORMAT,
  E_INVALID_PROTOCOL_OPERATION,
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  WEB_SOCKET_PROPERTY_TYPE,
  WebSocketCompleteAction,
  WebSocketGetAction,
  WebSocketGetGlobalProperty,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import {
  Action,
  concat,
  connectedPair,
  drive,
  flushSend,
  Queue,
  receiveAll,
  receiveOne,
  text,
  utf8,
} from './helpers.js';

const Type = WEB_SOCKET_BUFFER_TYPE;
const {
  WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE: DISABLE_MASKING,
  WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE: NO_UTF8_CHECK,
} = WEB_SOCKET_PROPERTY_TYPE;

describe('websocket.dll properties in action', () => {
  it('W26 DISABLE_MASKING: a client masks with a zero key; a server then accepts unmasked frames', () => {
    // Client: the mask bit stays set, the key is 0, so the payload reads as is on the wire.
    const off = connectedPair({ client: [{ type: DISABLE_MASKING, value: true }] });
    WebSocketSend(off.client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('abc') });
    flushSend(off.client, off.toServer);
    expect(Array.from(off.toServer.take())).toEqual([0x81, 0x83, 0, 0, 0, 0, 0x61, 0x62, 0x63]);
    // Default: a random key.
    const on = connectedPair();
    WebSocketSend(on.client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('abc'.repeat(10)) });
    flushSend(on.client, on.toServer);
    expect(text(on.toServer.take().subarray(6))).not.toBe('abc'.repeat(10));

    // Server, default: an unmasked client frame is a protocol error (close 1002 goes out first).
    const strict = connectedPair();
    strict.toServer.write(Uint8Array.of(0x81, 0x01, 0x61));
    expect(WebSocketReceive(strict.server)).toBe(S_OK);
    const failed = drive(
      strict.server,
      Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE,
      strict.toClient,
      strict.toServer,
    );
    expect(failed.hr).toBe(E_INVALID_PROTOCOL_FORMAT);
    const closeFrame = strict.toClient.take();
    expect(closeFrame[0]).toBe(0x88);
    expect((closeFrame[2]! << 8) | closeFrame[3]!).toBe(1002);

    // Server with the property: unmasked frames are accepted (masked ones still are).
    const lax = connectedPair({ server: [{ type: DISABLE_MASKING, value: true }] });
    lax.toServer.write(Uint8Array.of(0x81, 0x01, 0x61));
    expect(receiveOne(lax.server, lax.toServer, lax.toClient).indication!.buffers[0]!.data).toEqual(
      utf8('a'),
    );
    WebSocketSend(lax.client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('b') });
    flushSend(lax.client, lax.toServer);
    expect(receiveOne(lax.server, lax.toServer, lax.toClient).indication!.buffers[0]!.data).toEqual(
      utf8('b'),
    );
  });

  it('W28 DISABLE_UTF8_VERIFICATION: text is checked across fragments by default (1007, E_INVALID_PROTOCOL_FORMAT)', () => {
    // "é" split between two fragments is valid.
    const split = connectedPair();
    split.toClient.write(Uint8Array.of(0x01, 0x01, 0xc3, 0x80, 0x01, 0xa9));
    const first = receiveOne(split.client, split.toClient, split.toServer).indication!;
    const second = receiveOne(split.client, split.toClient, split.toServer).indication!;
    expect([first.bufferType, second.bufferType]).toEqual([
      Type.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
    ]);
    expect(text(Uint8Array.of(...first.buffers[0]!.data!, ...second.buffers[0]!.data!))).toBe('é');

    // A lead byte followed by a non-continuation byte in the next fragment is not.
    const bad = connectedPair();
    bad.toClient.write(Uint8Array.of(0x01, 0x01, 0xc3, 0x80, 0x01, 0x28));
    // One read brings both fragments: the first piece is valid and indicated, in wire order, before
    // anything of the failure; the engine has failed on the second.
    const { steps, indication } = receiveOne(bad.client, bad.toClient, bad.toServer);
    expect(steps.map((step) => [step.action, step.bufferType])).toEqual([
      [Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION, undefined],
      [Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION, Type.WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE],
    ]);
    expect(indication!.buffers[0]!.data).toEqual(Uint8Array.of(0xc3));
    expect(bad.toServer.size).toBe(0);
    // The next receive writes the close frame (1007) on the receive queue, then reports the error
    // from GetAction.
    expect(WebSocketReceive(bad.client)).toBe(S_OK);
    const failed = drive(bad.client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, bad.toServer, bad.toClient);
    expect(failed.hr).toBe(E_INVALID_PROTOCOL_FORMAT);
    expect(failed.steps.map((step) => [step.action, step.bufferType, step.applicationContext])).toEqual([
      [Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION, Type.WEB_SOCKET_CLOSE_BUFFER_TYPE, undefined],
    ]);
    const closeFrame = bad.toServer.take();
    const code = ((closeFrame[6]! ^ closeFrame[2]!) << 8) | (closeFrame[7]! ^ closeFrame[3]!); // unmasked
    expect(code).toBe(1007);
    // Receiving is over.
    expect(WebSocketReceive(bad.client)).toBe(E_INVALID_PROTOCOL_OPERATION);

    // With the property, the bytes are delivered unchecked.
    const unchecked = connectedPair({ client: [{ type: NO_UTF8_CHECK, value: true }] });
    unchecked.toClient.write(Uint8Array.of(0x81, 0x02, 0xc3, 0x28));
    const delivered = receiveOne(unchecked.client, unchecked.toClient, unchecked.toServer).indication!;
    expect(delivered.bufferType).toBe(Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE);
    expect(delivered.buffers[0]!.data).toEqual(Uint8Array.of(0xc3, 0x28));
  });

  it('W29 KEEPALIVE_INTERVAL: reported only; the caller sends UNSOLICITED_PONG, the library never acts alone', () => {
    expect(
      WebSocketGetGlobalProperty(WEB_SOCKET_PROPERTY_TYPE.WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE).value,
    ).toBe(30_000);
    const { client, server, toServer, toClient } = connectedPair();
    // An idle handle has nothing to do, however long it waits: no timers.
    expect(WebSocketGetAction(client, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 2).action).toBe(
      Action.WEB_SOCKET_NO_ACTION,
    );
    // The caller's keep-alive: an unsolicited pong with no payload (NULL buffer).
    expect(WebSocketSend(client, Type.WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE, undefined, 'keep-alive')).toBe(
      S_OK,
    );
    const steps = flushSend(client, toServer);
    expect(steps[0]).toMatchObject({
      bufferType: Type.WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE,
      applicationContext: 'keep-alive',
    });
    expect(toServer.size).toBe(6); // 8a 80 + a mask key
    // The peer sees a pong (every received pong is PING_PONG), and answers nothing.
    const atServer = receiveOne(server, toServer, toClient);
    expect(atServer.indication!.bufferType).toBe(Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE);
    expect(toClient.size).toBe(0);
  });

  it('a peer that breaks the fragment sequence gives E_INVALID_PROTOCOL_OPERATION on the receive queue', () => {
    const { client, toServer, toClient } = connectedPair();
    toClient.write(Uint8Array.of(0x80, 0x01, 0x61)); // a continuation with no message started
    expect(WebSocketReceive(client)).toBe(S_OK);
    expect(drive(client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, toServer, toClient).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
  });

  it('a UTF8_MESSAGE whose bytes are not UTF-8 is sent as given (the peer decides)', () => {
    const { client, toServer } = connectedPair();
    WebSocketSend(client, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: Uint8Array.of(0xc3, 0x28) });
    flushSend(client, toServer);
    const events: string[] = [];
    const peer = new Connection({
      role: 'server',
      clock: () => 0,
      handler: { onError: (error) => events.push((error as { code: string }).code) },
    });
    peer.receiveData(toServer.take());
    expect(events).toEqual(['WS_ERR_INVALID_UTF8']);
  });

  it('W30 an automatic pong goes between the frames of a long send; the send queue waits for it', () => {
    const { client, server, toServer, toClient } = connectedPair({ client: [{ type: 1, value: 16 }] });
    // The client starts a long masked message: frames of 10 bytes of payload (16 with the header)…
    const message = Uint8Array.from({ length: 40 }, (_, index) => index);
    WebSocketSend(client, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: message });
    const first = WebSocketGetAction(client, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    toServer.write(first.dataBuffers[0]!.data!);
    WebSocketCompleteAction(client, first.actionContext!, 16);
    // …when a ping arrives.
    toClient.write(Uint8Array.of(0x89, 0x00));
    expect(WebSocketReceive(client)).toBe(S_OK);
    const read = WebSocketGetAction(client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    WebSocketCompleteAction(client, read.actionContext!, toClient.read(read.dataBuffers[0]!.data!));
    // The send queue waits: the pong goes first, on the receive queue, between two frames.
    expect(WebSocketGetAction(client, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2).action).toBe(
      Action.WEB_SOCKET_NO_ACTION,
    );
    const pong = WebSocketGetAction(client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect([pong.action, pong.bufferType, pong.applicationContext]).toEqual([
      Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
      Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE,
      undefined,
    ]);
    toServer.write(pong.dataBuffers[0]!.data!);
    WebSocketCompleteAction(client, pong.actionContext!, pong.dataBuffers[0]!.data!.length);
    flushSend(client, toServer);
    // The server reads the message, with the pong between its frames: the stream is intact.
    const received = receiveAll(server, toServer, toClient);
    expect(received.map((step) => step.bufferType)).toEqual([
      Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE,
      Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE,
      Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
    ]);
    expect(
      concat(
        received
          .filter((step) => step.bufferType !== Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE)
          .map((step) => step.buffers[0]!.data!),
      ),
    ).toEqual(message);
  });

  it('W30 a frame half written (one buffer per action) is finished first; the receive queue waits with NO_ACTION', () => {
    const { client, server, toServer, toClient } = connectedPair();
    // The server's frame is its header and the caller's payload: two buffers, one per action here.
    const message = new Uint8Array(2000).fill(9);
    WebSocketSend(server, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: message });
    const header = WebSocketGetAction(server, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 1);
    toClient.write(header.dataBuffers[0]!.data!);
    WebSocketCompleteAction(server, header.actionContext!, 4);
    // A ping arrives: its pong waits for the payload, and the receive queue hands out nothing else
    // meanwhile (no read that would leave the pong unreachable until the peer sends more).
    toServer.write(Uint8Array.of(0x89, 0x80, 0, 0, 0, 0));
    expect(WebSocketReceive(server)).toBe(S_OK);
    const read = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    WebSocketCompleteAction(server, read.actionContext!, toServer.read(read.dataBuffers[0]!.data!));
    expect(WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1).action).toBe(
      Action.WEB_SOCKET_NO_ACTION,
    );
    flushSend(server, toClient, 1);
    // Asking again (any queue that includes RECEIVE) finds the pong.
    const pong = WebSocketGetAction(server, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 1);
    expect([pong.action, pong.bufferType]).toEqual([
      Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
      Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE,
    ]);
    toClient.write(pong.dataBuffers[0]!.data!);
    WebSocketCompleteAction(server, pong.actionContext!, 2);
    const atClient = receiveAll(client, toClient, toServer);
    expect(atClient.map((step) => step.bufferType)).toEqual([
      Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
      Type.WEB_SOCKET_PING_PONG_BUFFER_TYPE,
    ]);
    expect(atClient[0]!.buffers[0]!.data).toEqual(message);
  });

  it('the failing close frame waits for the data the application queued before it', () => {
    const pair = connectedPair();
    // The server queues a message, then the client's bad frame (an unknown opcode) arrives.
    WebSocketSend(pair.server, Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('last words') });
    pair.toServer.write(Uint8Array.of(0x83, 0x80, 0, 0, 0, 0));
    expect(WebSocketReceive(pair.server)).toBe(S_OK);
    const run = drive(pair.server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, pair.toClient, pair.toServer);
    // The close (1002) is due but not out yet: the data frame queued first goes first.
    expect(run.hr).toBe(S_OK);
    expect(run.steps.map((step) => step.action)).toEqual([Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION]);
    flushSend(pair.server, pair.toClient);
    const failed = drive(pair.server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, pair.toClient);
    expect(failed.hr).toBe(E_INVALID_PROTOCOL_FORMAT);
    expect(failed.steps.map((step) => step.bufferType)).toEqual([Type.WEB_SOCKET_CLOSE_BUFFER_TYPE]);
    const atClient = [
      receiveOne(pair.client, pair.toClient, pair.toServer),
      receiveOne(pair.client, pair.toClient, pair.toServer),
    ];
    expect(atClient.map((result) => result.indication!.bufferType)).toEqual([
      Type.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
      Type.WEB_SOCKET_CLOSE_BUFFER_TYPE,
    ]);
    expect(atClient[1]!.indication!.buffers[0]!.closeStatus!.status).toBe(1002);
  });
});
