/**
 * The handle driven the way .NET's `WebSocketBase` (System.Net.HttpListener) drives websocket.dll:
 * one loop per operation, each on its own queue (a send on the SEND queue with room for two
 * buffers, a receive on the RECEIVE queue with room for one), both running at once. A loop awaits
 * the network for every SEND_TO_NETWORK and RECEIVE_FROM_NETWORK and completes the action after it;
 * on NO_ACTION it lets the other loop run (`.NET` releases its lock briefly) and asks again, until
 * its own operation is complete. The network is in memory; a write takes one turn of the event loop,
 * so that the other loop runs while a write is in flight, as it would with a real socket.
 */
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import {
  type WEB_SOCKET_BUFFER_TYPE as BufferType,
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HANDLE,
  WEB_SOCKET_PROPERTY_TYPE,
  WebSocketCompleteAction,
  WebSocketGetAction,
  type WebSocketGetActionResult,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { Action, connectedPair, Queue } from './helpers.js';

const Type = WEB_SOCKET_BUFFER_TYPE;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The peer's end of an in-memory connection: a `Connection` engine fed with what the handle writes. */
class Peer {
  readonly engine: Connection;
  readonly events: ConnectionEvent[] = [];
  /** Bytes for the handle to read. */
  #toHandle: Uint8Array[] = [];
  #reader: (() => void) | undefined;

  constructor() {
    this.engine = new Connection({ role: 'server', clock: () => 0 });
    this.engine.events();
  }

  /** The handle wrote `bytes` (one turn later, like a socket write completing). */
  async write(bytes: readonly Uint8Array[]): Promise<void> {
    await nextTurn();
    for (const chunk of bytes) this.engine.receiveData(chunk.slice());
    this.events.push(...this.engine.events());
    this.#flush();
  }

  /** Sends what the peer's engine has to send to the handle. */
  #flush(): void {
    const output = this.engine.dataToSend();
    if (output.length === 0) return;
    this.#toHandle.push(...output.map((bytes) => bytes.slice()));
    this.#reader?.();
  }

  /** The peer pings the handle. */
  ping(payload: Uint8Array): void {
    this.engine.sendPing(payload);
    this.#flush();
  }

  /** Reads into `space`: waits until the peer has sent something. */
  async read(space: Uint8Array): Promise<number> {
    while (this.#toHandle.length === 0) {
      await new Promise<void>((resolve) => {
        this.#reader = resolve;
      });
      this.#reader = undefined;
    }
    const chunk = this.#toHandle[0]!;
    const count = Math.min(chunk.length, space.length);
    space.set(chunk.subarray(0, count));
    if (count === chunk.length) this.#toHandle.shift();
    else this.#toHandle[0] = chunk.subarray(count);
    return count;
  }

  /** Whether the peer has received a pong. */
  get pongReceived(): boolean {
    return this.events.some((event) => event.type === 'pong');
  }
}

/** SEND_TO_NETWORK: writes the buffers (awaiting the network), then completes with the count. */
async function writeToNetwork(
  handle: WEB_SOCKET_HANDLE,
  peer: Peer,
  action: WebSocketGetActionResult,
): Promise<void> {
  const buffers = action.dataBuffers.map((buffer) => buffer.data!);
  await peer.write(buffers);
  const written = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  WebSocketCompleteAction(handle, action.actionContext!, written);
}

/** `WebSocketBase.SendOperation.Process`: send one buffer, loop until INDICATE_SEND_COMPLETE. */
async function sendOperation(
  handle: WEB_SOCKET_HANDLE,
  peer: Peer,
  bufferType: BufferType,
  data: Uint8Array,
  onWrite: () => void,
): Promise<void> {
  expect(WebSocketSend(handle, bufferType, { data }, 'send')).toBe(S_OK);
  for (;;) {
    const next = WebSocketGetAction(handle, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, 2);
    expect(next.hr).toBe(S_OK);
    switch (next.action) {
      case Action.WEB_SOCKET_NO_ACTION:
        await nextTurn(); // blocked behind the other loop's action: let it run
        break;
      case Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION:
        await writeToNetwork(handle, peer, next);
        onWrite();
        break;
      case Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
        WebSocketCompleteAction(handle, next.actionContext!, 0);
        return;
      default:
        throw new Error(`unexpected action ${next.action} on the send queue`);
    }
  }
}

/** `WebSocketBase.ReceiveOperation.Process`: receive once, loop until INDICATE_RECEIVE_COMPLETE. */
async function receiveOperation(handle: WEB_SOCKET_HANDLE, peer: Peer): Promise<BufferType> {
  expect(WebSocketReceive(handle, undefined, 'receive')).toBe(S_OK);
  for (;;) {
    const next = WebSocketGetAction(handle, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
    expect(next.hr).toBe(S_OK);
    switch (next.action) {
      case Action.WEB_SOCKET_NO_ACTION:
        await nextTurn();
        break;
      case Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION: {
        const count = await peer.read(next.dataBuffers[0]!.data!);
        WebSocketCompleteAction(handle, next.actionContext!, count);
        break;
      }
      case Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION: // the automatic pong: written like any frame
        await writeToNetwork(handle, peer, next);
        break;
      case Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
        WebSocketCompleteAction(handle, next.actionContext!, 0);
        return next.bufferType!;
      default:
        throw new Error(`unexpected action ${next.action} on the receive queue`);
    }
  }
}

describe('W30 with a driver written like .NET WebSocketBase', () => {
  it('answers a ping that arrives during a long send before the send ends', async () => {
    // A client with a small send buffer uploads 64 KiB: many writes, each one turn of the event loop.
    const { client } = connectedPair({
      client: [{ type: WEB_SOCKET_PROPERTY_TYPE.WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, value: 1024 }],
    });
    const peer = new Peer();
    // The application waits for a message; the receive loop reads whatever comes meanwhile.
    void receiveOperation(client, peer);
    const upload = new Uint8Array(64 * 1024).fill(7);
    let writes = 0;
    let pongAfterWrites: number | undefined;
    await sendOperation(client, peer, Type.WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, upload, () => {
      writes++;
      // The peer pings once the upload has started (after the first write).
      if (writes === 1) peer.ping(Uint8Array.of(1, 2, 3));
      if (pongAfterWrites === undefined && peer.pongReceived) pongAfterWrites = writes;
    });
    // The whole upload reached the peer, intact.
    const message = peer.events.find((event) => event.type === 'message');
    expect(message).toMatchObject({ messageType: 'binary' });
    expect((message as { data: Uint8Array }).data).toEqual(upload);
    // The pong was written while the upload was going on, not left behind it (or never sent).
    expect(pongAfterWrites).toBeDefined();
    expect(pongAfterWrites!).toBeLessThan(writes);
    const pong = peer.events.find((event) => event.type === 'pong');
    expect((pong as { data: Uint8Array }).data).toEqual(Uint8Array.of(1, 2, 3));
  });
});
