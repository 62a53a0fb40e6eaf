import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Extension,
  type HandshakeResponse,
  type HeaderInit,
  HeaderList,
  type RequestHead,
  rejectHandshake,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import {
  decideUpgrade,
  type UpgradeHooks as SharedUpgradeHooks,
  type UpgradeDecision,
  type VerifyInfo,
  type VerifyResult,
} from '@wskit/transport';
import { NodeSocketTransport } from './node-socket-transport.js';

/**
 * The request of a WebSocket handshake as Node gives it: an `IncomingMessage` for an HTTP/1.1
 * upgrade, an `Http2ServerRequest` for a WebSocket over HTTP/2 (RFC 8441 extended CONNECT). Both
 * have `headers`, `url`, `method`, `httpVersion` and `socket`.
 */
export type WebSocketServerRequest = IncomingMessage | Http2ServerRequest;

/**
 * The hooks that decide whether to accept a WebSocket handshake: `@wskit/transport`'s
 * `UpgradeHooks`, given Node's request ({@link WebSocketServerRequest}). The functions are declared
 * as methods, so a hook written for HTTP/1.1 (`(request: IncomingMessage) => …`) still type-checks;
 * on a server that takes WebSockets over HTTP/2 it also receives `Http2ServerRequest`s.
 */
export interface UpgradeHooks extends Pick<SharedUpgradeHooks<WebSocketServerRequest>, 'protocols'> {
  /** Picks one of `offered` (in the client's order), or `null`/`undefined` for none. */
  selectProtocol?(offered: readonly string[], request: WebSocketServerRequest): string | null | undefined;
  /** Accepts or refuses a valid handshake request (origin checks, authentication, routing). */
  verify?(request: WebSocketServerRequest, info: VerifyInfo): VerifyResult | Promise<VerifyResult>;
  /** Extra headers of the 101 (or 200) response (e.g. `Set-Cookie`), or a function of the request. */
  readonly headers?: HeaderInit | ((request: WebSocketServerRequest) => HeaderInit | undefined) | undefined;
}

export type { UpgradeRejection, VerifyInfo, VerifyResult } from '@wskit/transport';

/** An accepted upgrade: the 101 was written and the socket is wrapped in a transport. */
export interface AcceptedUpgrade {
  readonly transport: NodeSocketTransport;
  readonly earlyData: Uint8Array;
  readonly protocol: string | null;
  readonly extensions: Extension[];
  readonly url: string;
}

/** How an upgrade request ended when it was not accepted. */
export interface RefusedUpgrade {
  /** The status answered, or 0 when the socket was gone before an answer. */
  readonly status: number;
  /** Why: the handshake error, the hook's exception, or `undefined` for a deliberate refusal. */
  readonly error?: unknown;
}

/** How long a refused socket may stay half-open after our response before it is destroyed. */
const REFUSAL_LINGER = 5_000;

/** Builds the `@wskit/handshake` request head from Node's parsed request. */
export function requestHead(request: IncomingMessage): RequestHead {
  return {
    method: request.method ?? 'GET',
    target: request.url ?? '/',
    version: request.httpVersion,
    headers: HeaderList.fromRawHeaders(request.rawHeaders),
  };
}

/**
 * Answers an upgrade request with a refusal and ends the connection: the response is written, the
 * request's remaining bytes are read and dropped (so closing does not reset the connection before
 * the client read the answer), and the socket is destroyed once the client ends or after a linger.
 */
export function refuseUpgrade(socket: Duplex, response: HandshakeResponse): void {
  if (socket.destroyed) return;
  const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER);
  linger.unref();
  socket.on('close', () => clearTimeout(linger));
  socket.on('end', () => socket.destroy());
  socket.on('error', () => {});
  socket.resume();
  socket.end(response.bytes);
}

/** Whether the request came over TLS. */
function isSecure(socket: Duplex): boolean {
  return (socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * Runs the server side of the opening handshake on an upgrade request: validates it and selects the
 * subprotocol (`@wskit/handshake`), asks `verify`, and writes the 101 or a refusal. The socket is
 * paused at once so that no byte after the head is lost while `verify` runs; `head` and those bytes
 * go to the session.
 *
 * @param stillAccepting asked before the 101 is written; `false` refuses with 503.
 * @param extensions the extensions this server supports (negotiators), e.g. permessage-deflate.
 * @returns the accepted upgrade, or the refusal (already answered on the socket).
 */
export async function acceptUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  hooks: UpgradeHooks,
  stillAccepting: () => boolean = () => true,
  extensions: readonly ServerExtensionNegotiator[] = [],
): Promise<AcceptedUpgrade | RefusedUpgrade> {
  return startUpgrade(request, socket, head, hooks, stillAccepting, extensions);
}

/**
 * {@link acceptUpgrade} without a promise when every hook answered synchronously: the outcome is
 * returned as it is, and a promise of it only when `verify` returned one.
 */
export function startUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  hooks: UpgradeHooks,
  stillAccepting: () => boolean = () => true,
  extensions: readonly ServerExtensionNegotiator[] = [],
): AcceptedUpgrade | RefusedUpgrade | Promise<AcceptedUpgrade | RefusedUpgrade> {
  socket.pause();
  // The decision (validation, subprotocol, verify) is @wskit/transport's, shared by every server.
  const decision = decideUpgrade(requestHead(request), request, hooks, {
    secure: isSecure(socket),
    extensions,
  });
  if (decision instanceof Promise) {
    // A socket error while verify runs must not be thrown: nobody else listens until it settles.
    socket.on('error', swallow);
    return decision.then((settled) => {
      socket.off('error', swallow);
      return finishUpgrade(settled, request, socket, head, stillAccepting);
    });
  }
  // Decided in this turn: Node emits a socket's errors on a later one, when the transport or the
  // refusal listens.
  return finishUpgrade(decision, request, socket, head, stillAccepting);
}

/** Listens for errors of a socket while its upgrade is being decided. */
function swallow(): void {}

/** Answers an upgrade request once it was decided: the 101 and the transport, or the refusal. */
function finishUpgrade(
  decision: UpgradeDecision,
  request: IncomingMessage,
  socket: Duplex,
  head: Uint8Array,
  stillAccepting: () => boolean,
): AcceptedUpgrade | RefusedUpgrade {
  if (!decision.ok) {
    refuseUpgrade(socket, decision.response);
    return { status: decision.response.status, error: decision.error };
  }
  if (socket.destroyed || !socket.writable) {
    return { status: 0 };
  }
  // The server may have started closing while verify ran.
  if (!stillAccepting()) {
    const response = rejectHandshake(503);
    refuseUpgrade(socket, response);
    return { status: response.status };
  }
  socket.write(decision.response.bytes);
  // Node's `upgrade` event types the socket as a `Duplex`; it is a `net.Socket` (a `TLSSocket` for
  // https), and the transport only uses what every Duplex has where it is not.
  const transport = new NodeSocketTransport(socket as Socket);
  return {
    transport,
    earlyData: head,
    protocol: decision.protocol,
    extensions: decision.extensions,
    url: request.url ?? '/',
  };
}
