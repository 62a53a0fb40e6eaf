/**
 * Test helpers for the websocket.dll-style API: an in-memory network (one byte queue per
 * direction), the handshake between a client and a server handle, and small drivers that run a
 * queue until `NO_ACTION`. Not a test file (no `.test.ts` suffix).
 */
import {
  S_OK,
  WEB_SOCKET_ACTION,
  WEB_SOCKET_ACTION_QUEUE,
  type WEB_SOCKET_BUFFER,
  type WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HANDLE,
  type WEB_SOCKET_HTTP_HEADER,
  type WEB_SOCKET_PROPERTY,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCompleteAction,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketEndClientHandshake,
  WebSocketGetAction,
  type WebSocketGetActionResult,
  WebSocketReceive,
} from '@wskit/websocket-dll';

export const Action = WEB_SOCKET_ACTION;
export const Queue = WEB_SOCKET_ACTION_QUEUE;

/** One direction of a connection: bytes written at one end, read at the other. */
export class Wire {
  #chunks: Uint8Array[] = [];

  /** Writes a copy of `bytes` (the library's buffers are only valid until the action completes). */
  write(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#chunks.push(bytes.slice());
  }

  /** Reads up to `into.length` bytes into `into`; 0 when nothing is waiting. */
  read(into: Uint8Array): number {
    let count = 0;
    while (count < into.length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(chunk.length, into.length - count);
      into.set(chunk.subarray(0, take), count);
      count += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    return count;
  }

  /** Everything waiting, taken off the wire. */
  take(): Uint8Array {
    const all = concat(this.#chunks);
    this.#chunks = [];
    return all;
  }

  /** How many bytes are waiting. */
  get size(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
}

/** One array holding `parts` in order. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Converts header pairs to `WEB_SOCKET_HTTP_HEADER`s. */
export function headers(pairs: Record<string, string>): WEB_SOCKET_HTTP_HEADER[] {
  return Object.entries(pairs).map(([name, value]) => ({ name, value }));
}

/** The request headers .NET's HttpListener passes to BeginServerHandshake (its "fake" handshake). */
export const MINIMAL_REQUEST = headers({
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  Host: '',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAAAA==',
});

/** Expects `S_OK`, naming the HRESULT when it is not. */
export function ok<T extends { hr: number }>(result: T): T {
  if (result.hr !== S_OK) throw new Error(`expected S_OK, got 0x${result.hr.toString(16)}`);
  return result;
}

/** A client and a server handle whose opening handshake is done. */
export interface Pair {
  readonly client: WEB_SOCKET_HANDLE;
  readonly server: WEB_SOCKET_HANDLE;
  /** Bytes the client wrote, for the server to read. */
  readonly toServer: Wire;
  /** Bytes the server wrote, for the client to read. */
  readonly toClient: Wire;
}

/** Creates both handles and runs the handshake (request headers and response headers exchanged). */
export function connectedPair(
  options: { client?: WEB_SOCKET_PROPERTY[]; server?: WEB_SOCKET_PROPERTY[] } = {},
): Pair {
  const client = ok(WebSocketCreateClientHandle(options.client)).handle!;
  const server = ok(WebSocketCreateServerHandle(options.server)).handle!;
  const request = ok(
    WebSocketBeginClientHandshake(client, undefined, undefined, headers({ Host: 'example.com' })),
  ).additionalHeaders;
  const response = ok(
    WebSocketBeginServerHandshake(server, undefined, undefined, [
      { name: 'Host', value: 'example.com' },
      ...request,
    ]),
  ).responseHeaders;
  ok(WebSocketEndClientHandshake(client, response));
  return { client, server, toServer: new Wire(), toClient: new Wire() };
}

/** What a driver saw, one entry per action other than NO_ACTION. */
export interface Step {
  readonly action: number;
  readonly bufferType: WEB_SOCKET_BUFFER_TYPE | undefined;
  readonly applicationContext: unknown;
  readonly buffers: readonly WEB_SOCKET_BUFFER[];
}

/**
 * Runs `queue` until `NO_ACTION`: writes SEND_TO_NETWORK buffers to `out`, fills
 * RECEIVE_FROM_NETWORK from `incoming` (stopping, with the read still outstanding, when nothing is
 * waiting), completes indications. Returns the steps and a receive error, if any.
 */
export function drive(
  handle: WEB_SOCKET_HANDLE,
  queue: number,
  out: Wire,
  incoming?: Wire,
  capacity = 2,
): { steps: Step[]; hr: number; pendingRead?: WebSocketGetActionResult } {
  const steps: Step[] = [];
  for (;;) {
    const result = WebSocketGetAction(handle, queue as 1, capacity);
    if (result.hr !== S_OK) return { steps, hr: result.hr };
    if (result.action === Action.WEB_SOCKET_NO_ACTION) return { steps, hr: S_OK };
    const step: Step = {
      action: result.action,
      bufferType: result.bufferType,
      applicationContext: result.applicationContext,
      buffers: result.dataBuffers.map((buffer) =>
        buffer.data !== undefined ? { data: buffer.data.slice() } : buffer,
      ),
    };
    if (result.action === Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION) {
      const space = result.dataBuffers[0]!.data!;
      const count = incoming?.read(space) ?? 0;
      if (count === 0) return { steps, hr: S_OK, pendingRead: result };
      steps.push(step);
      WebSocketCompleteAction(handle, result.actionContext!, count);
      continue;
    }
    steps.push(step);
    let written = 0;
    if (result.action === Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION) {
      for (const buffer of result.dataBuffers) {
        out.write(buffer.data!);
        written += buffer.data!.length;
      }
    }
    WebSocketCompleteAction(handle, result.actionContext!, written);
  }
}

/** Runs the send queue of `handle` until `NO_ACTION`, writing to `out`. */
export function flushSend(handle: WEB_SOCKET_HANDLE, out: Wire, capacity = 2): Step[] {
  return drive(handle, Queue.WEB_SOCKET_SEND_ACTION_QUEUE, out, undefined, capacity).steps;
}

/**
 * Queues one receive and runs the receive queue until it is indicated; returns the indication or
 * the receive error. When the data runs out first, the read is completed with 0, which cancels the
 * receive: the indication is then a close with status 1006.
 */
export function receiveOne(
  handle: WEB_SOCKET_HANDLE,
  incoming: Wire,
  out: Wire,
  buffer?: WEB_SOCKET_BUFFER,
): { indication?: Step; steps: Step[]; hr: number } {
  const queued = WebSocketReceive(handle, buffer, 'receive');
  if (queued !== S_OK) return { steps: [], hr: queued };
  const run = drive(handle, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, out, incoming);
  if (run.pendingRead) {
    // Nothing more to read: cancel the read; the receive completes with a 1006 close.
    WebSocketCompleteAction(handle, run.pendingRead.actionContext!, 0);
    const rest = drive(handle, Queue.WEB_SOCKET_RECEIVE_ACTION_QUEUE, out, incoming);
    run.steps.push(...rest.steps);
  }
  const indication = run.steps.find(
    (step) => step.action === Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION,
  );
  return { indication, steps: run.steps, hr: run.hr };
}

/** Every indication until the data on `incoming` runs out (one receive operation each). */
export function receiveAll(handle: WEB_SOCKET_HANDLE, incoming: Wire, out: Wire): Step[] {
  const indications: Step[] = [];
  for (;;) {
    const { indication, hr } = receiveOne(handle, incoming, out);
    if (hr !== S_OK) throw new Error(`receive failed: 0x${hr.toString(16)}`);
    if (indication === undefined || isCancelled(indication)) return indications;
    indications.push(indication);
    if (indication.buffers[0]?.closeStatus !== undefined) return indications;
  }
}

/** Whether an indication is the 1006 close of a cancelled receive. */
export function isCancelled(step: Step): boolean {
  return step.buffers[0]?.closeStatus?.status === 1006;
}
