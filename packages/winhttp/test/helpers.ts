/// <reference types="node" />
/**
 * Test helpers: servers (ws's, @wskit/node's, and a scripted raw TCP server), a callback recorder
 * that can be awaited, and the upgrade sequence in a few lines.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { computeAccept, HeadParser, type RequestHead, serializeResponse } from '@wskit/handshake';
import { nodeDialer, WebSocketServer as WskitServer } from '@wskit/node';
import { Connection } from '@wskit/protocol';
import type { Dialer, Transport, TransportHandler } from '@wskit/transport';
import {
  type HINTERNET,
  WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
  WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS,
  WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE,
  WINHTTP_FLAG_ASYNC,
  WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET,
  WinHttpCloseHandle,
  WinHttpConnect,
  WinHttpOpen,
  WinHttpOpenRequest,
  WinHttpReceiveResponse,
  WinHttpSendRequest,
  type WinHttpSessionOptions,
  WinHttpSetOption,
  WinHttpSetStatusCallback,
  type WinHttpStatusInformation,
  WinHttpWebSocketCompleteUpgrade,
} from '@wskit/winhttp';
import { afterEach } from 'vitest';
import { WebSocketServer as WsServer, type WebSocket as WsSocket } from 'ws';

const cleanups: (() => unknown)[] = [];

/** Runs `cleanup` after the current test. */
export function defer(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One status callback, as recorded. */
export interface Notification {
  readonly handle: HINTERNET;
  readonly context: unknown;
  readonly status: number;
  readonly information: WinHttpStatusInformation;
  readonly length: number;
}

/** Records every callback and lets a test wait for one. */
export class Recorder {
  readonly notifications: Notification[] = [];
  #waiters: {
    test: (notification: Notification) => boolean;
    resolve: (notification: Notification) => void;
  }[] = [];
  #seen = 0;
  /** Called for each notification, after it is recorded (for re-entrant tests). */
  onNotification: ((notification: Notification) => void) | undefined;

  readonly callback = (
    handle: HINTERNET,
    context: unknown,
    status: number,
    information: WinHttpStatusInformation,
    length: number,
  ): void => {
    const notification = { handle, context, status, information, length };
    this.notifications.push(notification);
    this.onNotification?.(notification);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.test(notification)) return true;
      waiter.resolve(notification);
      return false;
    });
  };

  /** The statuses recorded for `handle` (all handles without one). */
  statuses(handle?: HINTERNET): number[] {
    return this.notifications
      .filter((entry) => handle === undefined || entry.handle === handle)
      .map((entry) => entry.status);
  }

  /**
   * The next notification with `status` (for `handle`, if given) after those already taken by an
   * earlier `next`, waiting for it if needed.
   */
  next(status: number, handle?: HINTERNET, timeout = 5000): Promise<Notification> {
    const matches = (entry: Notification) =>
      entry.status === status && (handle === undefined || entry.handle === handle);
    for (let index = this.#seen; index < this.notifications.length; index++) {
      const entry = this.notifications[index]!;
      if (matches(entry)) {
        this.#seen = index + 1;
        return Promise.resolve(entry);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no status 0x${status.toString(16)} within ${timeout} ms`)),
        timeout,
      );
      this.#waiters.push({
        test: matches,
        resolve: (entry) => {
          clearTimeout(timer);
          this.#seen = this.notifications.indexOf(entry) + 1;
          resolve(entry);
        },
      });
    });
  }
}

/** A session, a connection and a request for `ws://127.0.0.1:port/path`, marked for upgrade, with a recorder. */
export function openRequest(
  port: number,
  path = '/',
  options: WinHttpSessionOptions & { flags?: number; mark?: boolean } = {},
): { session: HINTERNET; connect: HINTERNET; request: HINTERNET; recorder: Recorder } {
  const recorder = new Recorder();
  const session = WinHttpOpen(
    'wskit tests',
    WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
    null,
    null,
    WINHTTP_FLAG_ASYNC,
    options,
  );
  if (session === null) throw new Error('WinHttpOpen failed');
  defer(() => WinHttpCloseHandle(session));
  WinHttpSetStatusCallback(session, recorder.callback, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
  const connect = WinHttpConnect(session, '127.0.0.1', port, 0)!;
  defer(() => WinHttpCloseHandle(connect));
  const request = WinHttpOpenRequest(connect, 'GET', path, null, null, null, options.flags ?? 0)!;
  defer(() => WinHttpCloseHandle(request));
  if (options.mark !== false) WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, null, 0);
  return { session, connect, request, recorder };
}

/** Sends the request and waits for HEADERS_AVAILABLE (throws on a REQUEST_ERROR). */
export async function sendAndReceive(request: HINTERNET, recorder: Recorder): Promise<void> {
  const failed = recorder.next(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, request, 10_000).then((entry) => {
    throw new Error(`REQUEST_ERROR ${JSON.stringify(entry.information)}`);
  });
  failed.catch(() => {});
  if (!WinHttpSendRequest(request, null, 0, null, 0, 0, 0)) throw new Error('WinHttpSendRequest failed');
  await Promise.race([recorder.next(WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, request), failed]);
  if (!WinHttpReceiveResponse(request, null)) throw new Error('WinHttpReceiveResponse failed');
  await Promise.race([recorder.next(WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, request), failed]);
}

/** The whole upgrade: a WebSocket handle to `ws://127.0.0.1:port/path`, closed after the test. */
export async function upgrade(
  port: number,
  path = '/',
  options: WinHttpSessionOptions & { context?: unknown } = {},
): Promise<{ webSocket: HINTERNET; request: HINTERNET; recorder: Recorder }> {
  const { request, recorder } = openRequest(port, path, options);
  await sendAndReceive(request, recorder);
  const webSocket = WinHttpWebSocketCompleteUpgrade(request, options.context ?? 0);
  if (webSocket === null) throw new Error('WinHttpWebSocketCompleteUpgrade failed');
  defer(() => WinHttpCloseHandle(webSocket));
  return { webSocket, request, recorder };
}

/** `ws`'s server on a free port; `onConnection` gets each client. Closed after the test. */
export async function startWsServer(
  onConnection: (socket: WsSocket) => void = echo,
): Promise<{ port: number; server: WsServer }> {
  const server = new WsServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  server.on('connection', onConnection);
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, server };
}

/** Echoes every message with its type. */
export function echo(socket: WsSocket): void {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
}

/** @wskit/node's server, echoing, on a free port. Closed after the test. */
export async function startWskitServer(): Promise<{ port: number }> {
  const server = new WskitServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  server.on('connection', (socket) => {
    socket.on('message', (data) => void socket.send(data).catch(() => {}));
  });
  defer(() => server.close());
  return { port: (server.address() as AddressInfo).port };
}

/** A scripted server: raw TCP; `onRequest` gets the socket and the parsed request head. */
export async function startRawServer(
  onRequest: (socket: Socket, head: RequestHead, rest: Uint8Array) => void,
): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const parser = new HeadParser('request');
    const onData = (chunk: Buffer): void => {
      const result = parser.write(new Uint8Array(chunk));
      if (!result.done) return;
      socket.off('data', onData);
      if (result.ok) onRequest(socket, result.head, result.rest);
      else socket.destroy();
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, server, sockets };
}

/** The 101 answer to `head`, with extra header lines. */
export function switchingProtocols(head: RequestHead, extra: Record<string, string> = {}): Uint8Array {
  return serializeResponse({
    status: 101,
    headers: {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Accept': computeAccept(head.headers.get('sec-websocket-key') ?? ''),
      ...extra,
    },
  });
}

/**
 * A scripted WebSocket server: accepts the upgrade and hands each client a server-role engine over
 * the socket (`send` writes what the engine wants written; events are collected).
 */
export async function startEngineServer(
  onClient: (client: EngineClient) => void,
): Promise<{ port: number; clients: EngineClient[] }> {
  const clients: EngineClient[] = [];
  const { port } = await startRawServer((socket, head, rest) => {
    socket.write(switchingProtocols(head));
    const client = new EngineClient(socket);
    clients.push(client);
    onClient(client);
    if (rest.length > 0) client.receive(rest);
  });
  return { port, clients };
}

/** A server-side engine over a raw socket, for scripted tests. */
export class EngineClient {
  readonly socket: Socket;
  readonly engine: Connection;
  readonly events: { type: string; data?: unknown }[] = [];
  onEvent: ((event: { type: string; data?: unknown }) => void) | undefined;

  constructor(socket: Socket, options: { autoClose?: boolean } = {}) {
    void options;
    this.socket = socket;
    this.engine = new Connection({ role: 'server', clock: () => performance.now() });
    this.engine.events();
    socket.on('data', (chunk: Buffer) => this.receive(new Uint8Array(chunk)));
    socket.on('end', () => {
      if (this.engine.state !== 'CLOSED' || !this.ended) {
        this.ended = true;
        this.engine.receiveEof();
        this.flush();
      }
    });
  }

  ended = false;

  receive(chunk: Uint8Array): void {
    if (this.ended) return;
    this.engine.receiveData(chunk.slice());
    this.flush();
  }

  /**
   * Records the engine's events, then writes what it wants written (the close reply that is due, too)
   * and records the events that writing brought (the close event after the reply).
   */
  flush(): void {
    this.#record();
    const output = this.engine.dataToSend();
    this.#record(); // writing a due close frame (our reply) closes the engine: its close event
    if (output.length > 0 && !this.socket.destroyed) this.socket.write(Buffer.concat(output));
    if (this.engine.shouldCloseTransport && !this.socket.destroyed) this.socket.end();
  }

  #record(): void {
    for (const event of this.engine.events()) {
      const recorded = {
        type: event.type,
        data: 'data' in event ? event.data : 'code' in event ? event : undefined,
      };
      this.events.push(recorded);
      this.onEvent?.(recorded);
    }
  }

  /** Waits until an event of `type` was recorded. */
  async waitFor(type: string, timeout = 5000): Promise<{ type: string; data?: unknown }> {
    const found = this.events.find((event) => event.type === type);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event`)), timeout);
      const previous = this.onEvent;
      this.onEvent = (event) => {
        previous?.(event);
        if (event.type === type) {
          clearTimeout(timer);
          this.onEvent = previous;
          resolve(event);
        }
      };
    });
  }
}

/** Bytes of a string. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Text of bytes. */
export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

/** Waits for `milliseconds`. */
export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A dialer around @wskit/node's whose transport can be made to push back, and that counts pauses. */
export function gatedDialer(): { dialer: Dialer; gate: Gate } {
  const gate = new Gate();
  const dialer: Dialer = async (target) => {
    const transport = await nodeDialer(target);
    gate.transport = transport;
    return {
      start(handler) {
        gate.handler = handler;
        transport.start(handler);
      },
      write(chunks) {
        gate.writes.push(...chunks.map((chunk) => chunk.slice()));
        if (gate.blocked) for (const chunk of chunks) gate.held += chunk.length;
        return transport.write(chunks) && !gate.blocked;
      },
      // As the port contract says of a transport that pushes back: what it holds is buffered.
      get bufferedAmount() {
        return transport.bufferedAmount + gate.held;
      },
      pause() {
        gate.pauses++;
        transport.pause();
      },
      resume() {
        gate.resumes++;
        transport.resume();
      },
      end: () => transport.end(),
      close: () => transport.close(),
      abort: (error) => transport.abort(error),
      get remoteAddress() {
        return transport.remoteAddress;
      },
    };
  };
  return { dialer, gate };
}

/** The controls of a {@link gatedDialer}'s transport. */
export class Gate {
  /** While true, `write` reports backpressure (the bytes are still written). */
  blocked = false;
  /** Bytes written while blocked: reported as buffered until the release. */
  held = 0;
  pauses = 0;
  resumes = 0;
  /** Copies of every array written, in order. */
  readonly writes: Uint8Array[] = [];
  handler: TransportHandler | undefined;
  transport: Transport | undefined;

  /** Stops pushing back and reports the drain. */
  release(): void {
    this.blocked = false;
    this.held = 0;
    this.handler?.onDrain();
  }
}

/** Decodes complete client frames (masked) from `stream`: opcode, FIN and unmasked payload. */
export function decodeClientFrames(
  stream: Uint8Array,
): { opcode: number; fin: boolean; payload: Uint8Array }[] {
  const frames: { opcode: number; fin: boolean; payload: Uint8Array }[] = [];
  let offset = 0;
  while (offset + 2 <= stream.length) {
    const first = stream[offset]!;
    const second = stream[offset + 1]!;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      length = (stream[offset + 2]! << 8) | stream[offset + 3]!;
      header = 4;
    } else if (length === 127) {
      length = Number(new DataView(stream.buffer, stream.byteOffset + offset + 2, 8).getBigUint64(0));
      header = 10;
    }
    const masked = (second & 0x80) !== 0;
    const start = offset + header + (masked ? 4 : 0);
    if (start + length > stream.length) break;
    const payload = new Uint8Array(stream.subarray(start, start + length)); // a copy, also of a Buffer
    if (masked) {
      const key = stream.subarray(offset + header, offset + header + 4);
      for (let index = 0; index < payload.length; index++) payload[index]! ^= key[index % 4]!;
    }
    frames.push({ opcode: first & 0x0f, fin: (first & 0x80) !== 0, payload });
    offset = start + length;
  }
  return frames;
}
