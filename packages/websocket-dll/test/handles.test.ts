import {
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  E_NOT_SUFFICIENT_BUFFER,
  S_OK,
  setKeepaliveIntervalRegistryValue,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_PROPERTY,
  WEB_SOCKET_PROPERTY_TYPE,
  WebSocketAbortHandle,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCompleteAction,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketDeleteHandle,
  WebSocketEndServerHandshake,
  WebSocketGetAction,
  WebSocketGetGlobalProperty,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { afterEach, describe, expect, it } from 'vitest';
import { Action, connectedPair, flushSend, MINIMAL_REQUEST, ok, Queue } from './helpers.js';

const {
  WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE: RECEIVE_BUFFER_SIZE,
  WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE: SEND_BUFFER_SIZE,
  WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE: DISABLE_MASKING,
  WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE: ALLOCATED_BUFFER,
  WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE: DISABLE_UTF8_VERIFICATION,
  WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE: KEEPALIVE_INTERVAL,
  WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE: SUPPORTED_VERSIONS,
} = WEB_SOCKET_PROPERTY_TYPE;

/** The size of the free space the first RECEIVE_FROM_NETWORK hands out. */
function receiveSpace(properties: WEB_SOCKET_PROPERTY[]): number {
  const { server } = connectedPair({ server: properties });
  expect(WebSocketReceive(server)).toBe(S_OK);
  const action = WebSocketGetAction(server, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
  expect(action.action).toBe(Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  return action.dataBuffers[0]!.data!.length;
}

describe('websocket.dll handles and properties', () => {
  afterEach(() => setKeepaliveIntervalRegistryValue(undefined));

  it('W1 WEB_SOCKET_HANDLE: an opaque session object with a role and two independent queues', () => {
    const client = ok(WebSocketCreateClientHandle()).handle!;
    const server = ok(WebSocketCreateServerHandle()).handle!;
    expect(typeof client).toBe('object');
    expect(Object.keys(client)).toEqual([]);
    expect(Object.isFrozen(client)).toBe(true);
    expect(client).not.toBe(server);
    // The role is part of the handle: a server handle has no client handshake, and vice versa.
    expect(WebSocketBeginClientHandshake(server, undefined, undefined, []).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
    expect(WebSocketBeginServerHandshake(client, undefined, undefined, MINIMAL_REQUEST).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
    // Anything that is not a live handle is refused where C would crash.
    expect(() => WebSocketReceive({} as typeof client)).toThrow(new TypeError('invalid handle'));
    // Two queues: a send and a receive are outstanding at the same time, each with its action.
    const pair = connectedPair();
    expect(WebSocketSend(pair.client, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(S_OK);
    expect(WebSocketReceive(pair.client)).toBe(S_OK);
    const send = WebSocketGetAction(pair.client, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    const receive = WebSocketGetAction(pair.client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(send.action).toBe(Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION);
    expect(receive.action).toBe(Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
    WebSocketCompleteAction(pair.client, receive.actionContext!, 0);
    WebSocketCompleteAction(pair.client, send.actionContext!, send.dataBuffers[0]!.data!.length);
  });

  it('W3 WebSocketCreateClientHandle: validates properties 0–4 and applies the defaults', () => {
    expect(ok(WebSocketCreateClientHandle()).handle).toBeDefined();
    expect(ok(WebSocketCreateClientHandle([])).handle).toBeDefined();
    expect(WebSocketCreateClientHandle([{ type: RECEIVE_BUFFER_SIZE, value: 255 }])).toEqual({
      hr: E_INVALIDARG,
      handle: undefined,
    });
    expect(WebSocketCreateClientHandle([{ type: SEND_BUFFER_SIZE, value: 15 }]).hr).toBe(E_INVALIDARG);
    expect(WebSocketCreateClientHandle([{ type: SEND_BUFFER_SIZE, value: 65_537 }]).hr).toBe(E_INVALIDARG);
    expect(WebSocketCreateClientHandle([{ type: RECEIVE_BUFFER_SIZE, value: 1.5 }]).hr).toBe(E_INVALIDARG);
    expect(WebSocketCreateClientHandle([{ type: DISABLE_MASKING, value: 'yes' as never }]).hr).toBe(
      E_INVALIDARG,
    );
    expect(WebSocketCreateClientHandle([{ type: 99 as never, value: 1 }]).hr).toBe(E_INVALIDARG);
    expect(
      ok(
        WebSocketCreateClientHandle([
          { type: RECEIVE_BUFFER_SIZE, value: 256 },
          { type: SEND_BUFFER_SIZE, value: 16 },
          { type: DISABLE_MASKING, value: false },
          { type: DISABLE_UTF8_VERIFICATION, value: false },
        ]),
      ).handle,
    ).toBeDefined();

    // Defaults: a 4096-byte receive buffer, a 4096-byte send buffer (a longer message goes out as
    // masked frames of at most that, header included), masking on.
    const { client, toServer } = connectedPair();
    expect(WebSocketReceive(client)).toBe(S_OK);
    const read = WebSocketGetAction(client, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(read.dataBuffers[0]!.data!.length).toBe(4096);
    WebSocketCompleteAction(client, read.actionContext!, 0);
    const payload = new Uint8Array(10_000);
    expect(
      WebSocketSend(client, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: payload }),
    ).toBe(S_OK);
    const writes = flushSend(client, toServer).filter(
      (step) => step.action === Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
    );
    expect(writes.map((step) => step.buffers.map((buffer) => buffer.data!.length))).toEqual([
      [4096],
      [4096],
      [1832], // 8 + 4088 + 4088 + 1824 = 10 000 bytes of payload
    ]);
    const frame = toServer.take();
    expect(frame[1]! & 0x80).toBe(0x80); // masked
  });

  it('W4 WebSocketCreateServerHandle: same properties, server role (send buffer default 16)', () => {
    expect(ok(WebSocketCreateServerHandle()).handle).toBeDefined();
    expect(ok(WebSocketCreateServerHandle([{ type: SEND_BUFFER_SIZE, value: 16 }])).handle).toBeDefined();
    expect(WebSocketCreateServerHandle([{ type: SEND_BUFFER_SIZE, value: 15 }]).hr).toBe(E_INVALIDARG);
    expect(WebSocketCreateServerHandle([{ type: KEEPALIVE_INTERVAL, value: 30_000 }]).hr).toBe(E_INVALIDARG);
    // A server never masks, so its 16-byte send buffer only ever holds a frame header: the payload
    // goes out as it is, not in 16-byte pieces.
    const { server, toClient } = connectedPair();
    const payload = new Uint8Array(2000).fill(7);
    expect(
      WebSocketSend(server, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, { data: payload }),
    ).toBe(S_OK);
    const writes = flushSend(server, toClient).filter(
      (step) => step.action === Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.buffers.map((buffer) => buffer.data!.length)).toEqual([4, 2000]);
    expect(toClient.take()[1]! & 0x80).toBe(0); // not masked
  });

  it('W14 WebSocketDeleteHandle: the handle is released; using it again throws "invalid handle"', () => {
    const { client, server } = connectedPair();
    WebSocketDeleteHandle(client);
    expect(() => WebSocketSend(client, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toThrow(
      new TypeError('invalid handle'),
    );
    expect(() => WebSocketGetAction(client, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 2)).toThrow(TypeError);
    expect(() => WebSocketAbortHandle(client)).toThrow('invalid handle');
    expect(() => WebSocketDeleteHandle(client)).toThrow('invalid handle');
    // The other handle is untouched.
    expect(WebSocketEndServerHandshake(server)).toBe(S_OK);
  });

  it('W15 WebSocketGetGlobalProperty: keep-alive interval (default 30000, at least 15000) and versions [13]', () => {
    expect(WebSocketGetGlobalProperty(KEEPALIVE_INTERVAL)).toEqual({ hr: S_OK, value: 30_000, valueSize: 4 });
    expect(WebSocketGetGlobalProperty(KEEPALIVE_INTERVAL, 4)).toEqual({
      hr: S_OK,
      value: 30_000,
      valueSize: 4,
    });
    // The registry stand-in: HKLM\SOFTWARE\Microsoft\WebSocket\KeepaliveInterval.
    setKeepaliveIntervalRegistryValue(20_000);
    expect(WebSocketGetGlobalProperty(KEEPALIVE_INTERVAL).value).toBe(20_000);
    setKeepaliveIntervalRegistryValue(1000);
    expect(WebSocketGetGlobalProperty(KEEPALIVE_INTERVAL).value).toBe(15_000);
    expect(() => setKeepaliveIntervalRegistryValue(-1)).toThrow(RangeError);
    // Size in/out: too small gives the size needed.
    expect(WebSocketGetGlobalProperty(KEEPALIVE_INTERVAL, 2)).toEqual({
      hr: E_NOT_SUFFICIENT_BUFFER,
      value: undefined,
      valueSize: 4,
    });
    expect(WebSocketGetGlobalProperty(SUPPORTED_VERSIONS)).toEqual({ hr: S_OK, value: [13], valueSize: 4 });
    expect(WebSocketGetGlobalProperty(SUPPORTED_VERSIONS, 0).hr).toBe(E_NOT_SUFFICIENT_BUFFER);
    expect(WebSocketGetGlobalProperty(RECEIVE_BUFFER_SIZE).hr).toBe(E_INVALIDARG);
  });

  it('W20 WEB_SOCKET_PROPERTY_TYPE: exact values; 0–4 per handle, 5–6 global only', () => {
    expect(WEB_SOCKET_PROPERTY_TYPE).toEqual({
      WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE: 0,
      WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE: 1,
      WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE: 2,
      WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE: 3,
      WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE: 4,
      WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE: 5,
      WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE: 6,
    });
    for (const type of [KEEPALIVE_INTERVAL, SUPPORTED_VERSIONS]) {
      expect(WebSocketCreateClientHandle([{ type, value: 30_000 }]).hr).toBe(E_INVALIDARG);
      expect(WebSocketGetGlobalProperty(type).hr).toBe(S_OK);
    }
    for (const type of [
      RECEIVE_BUFFER_SIZE,
      SEND_BUFFER_SIZE,
      DISABLE_MASKING,
      ALLOCATED_BUFFER,
      DISABLE_UTF8_VERIFICATION,
    ]) {
      expect(WebSocketGetGlobalProperty(type).hr).toBe(E_INVALIDARG);
    }
  });

  it('W21 WEB_SOCKET_PROPERTY: {type, value, size}; size, when given, is the value size', () => {
    expect(WebSocketCreateClientHandle([{ type: RECEIVE_BUFFER_SIZE, value: 1024, size: 4 }]).hr).toBe(S_OK);
    expect(WebSocketCreateClientHandle([{ type: RECEIVE_BUFFER_SIZE, value: 1024, size: 8 }]).hr).toBe(
      E_INVALIDARG,
    );
    // BOOL: true/false or a C integer.
    expect(WebSocketCreateClientHandle([{ type: DISABLE_MASKING, value: 1, size: 4 }]).hr).toBe(S_OK);
    expect(WebSocketCreateClientHandle([{ type: DISABLE_UTF8_VERIFICATION, value: 0 }]).hr).toBe(S_OK);
    expect(WebSocketCreateClientHandle([{ type: DISABLE_MASKING, value: true, size: 1 }]).hr).toBe(
      E_INVALIDARG,
    );
    expect(WebSocketCreateClientHandle([null as never]).hr).toBe(E_INVALIDARG);
    // The last of a repeated property wins.
    expect(
      receiveSpace([
        { type: RECEIVE_BUFFER_SIZE, value: 512 },
        { type: RECEIVE_BUFFER_SIZE, value: 300 },
      ]),
    ).toBe(300);
  });

  it('W27 ALLOCATED_BUFFER: accepted when at least receive + send + 256 bytes and 8-byte aligned', () => {
    const sizes: WEB_SOCKET_PROPERTY[] = [
      { type: RECEIVE_BUFFER_SIZE, value: 1024 },
      { type: SEND_BUFFER_SIZE, value: 512 },
    ];
    const enough = new Uint8Array(new ArrayBuffer(1024 + 512 + 256 + 8));
    expect(WebSocketCreateClientHandle([...sizes, { type: ALLOCATED_BUFFER, value: enough }]).hr).toBe(S_OK);
    expect(
      WebSocketCreateClientHandle([
        { type: ALLOCATED_BUFFER, value: enough, size: enough.byteLength },
        ...sizes,
      ]).hr,
    ).toBe(S_OK); // checked against the final sizes, whatever the order
    expect(
      WebSocketCreateClientHandle([
        ...sizes,
        { type: ALLOCATED_BUFFER, value: enough.subarray(0, 1024 + 512 + 255) },
      ]).hr,
    ).toBe(E_INVALIDARG);
    expect(
      WebSocketCreateClientHandle([...sizes, { type: ALLOCATED_BUFFER, value: enough.subarray(4) }]).hr,
    ).toBe(E_INVALIDARG); // not 8-byte aligned
    expect(WebSocketCreateServerHandle([{ type: ALLOCATED_BUFFER, value: 1234 as never }]).hr).toBe(
      E_INVALIDARG,
    );
    // With the defaults (4096 + 16 on a server) and a big enough buffer, the handle works as usual.
    expect(receiveSpace([{ type: ALLOCATED_BUFFER, value: new Uint8Array(4096 + 16 + 256) }])).toBe(4096);
  });
});
