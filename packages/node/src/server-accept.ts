import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import {
  acceptServerHandshake,
  type Extension,
  type HandshakeError,
  type HandshakeResponse,
  type HeaderInit,
  HeaderList,
  type RequestHead,
  rejectHandshake,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import { NodeSocketTransport } from './node-socket-transport.js';

/** A refusal of an upgrade request: the status and, optionally, headers and a body. */
export interface UpgradeRejection {
  /** An HTTP status from 300 to 599, e.g. 401, 403 or a redirect. */
  readonly status: number;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Location`. */
  readonly headers?: HeaderInit | undefined;
  /** The response body; default a one-line text/plain reason. */
  readonly body?: string | Uint8Array | undefined;
}

/** What a `verify` hook answers: `true` to accept, `false` to refuse with 403, or a rejection. */
export type VerifyResult = boolean | UpgradeRejection;

/** What a `verify` hook learns about a request besides the request itself. */
export interface VerifyInfo {
  /** The `Origin` header, when sent (browsers always send it). */
  readonly origin: string | undefined;
  /** Whether the connection is TLS. */
  readonly secure: boolean;
  /** The subprotocol that will be selected, or `null`. */
  readonly protocol: string | null;
}

/** The hooks that decide whether to accept an upgrade request. */
export interface UpgradeHooks {
  /** The subprotocols this server speaks; the first one the client offered wins. */
  readonly protocols?: readonly string[] | undefined;
  /** Picks one of `offered` (in the client's order), or `null`/`undefined` for none. */
  readonly selectProtocol?:
    | ((offered: readonly string[], request: IncomingMessage) => string | null | undefined)
    | undefined;
  /** Accepts or refuses a valid upgrade request (origin checks, authentication, routing). */
  readonly verify?:
    | ((request: IncomingMessage, info: VerifyInfo) => VerifyResult | Promise<VerifyResult>)
    | undefined;
  /** Extra headers of the 101 response (e.g. `Set-Cookie`), or a function of the request. */
  readonly headers?: HeaderInit | ((request: IncomingMessage) => HeaderInit | undefined) | undefined;
}

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
export function refuseUpgrade(socket: Socket, response: HandshakeResponse): void {
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
function isSecure(socket: Socket): boolean {
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
  socket: Socket,
  head: Uint8Array,
  hooks: UpgradeHooks,
  stillAccepting: () => boolean = () => true,
  extensions: readonly ServerExtensionNegotiator[] = [],
): Promise<AcceptedUpgrade | RefusedUpgrade> {
  socket.pause();
  const swallow = () => {};
  socket.on('error', swallow);
  const refuse = (response: HandshakeResponse, error?: unknown): RefusedUpgrade => {
    socket.off('error', swallow);
    refuseUpgrade(socket, response);
    return { status: response.status, error };
  };
  let result: ReturnType<typeof acceptServerHandshake>;
  const headRequest = requestHead(request);
  try {
    const extra = typeof hooks.headers === 'function' ? hooks.headers(request) : hooks.headers;
    result = acceptServerHandshake(headRequest, {
      extensions,
      ...(hooks.protocols === undefined ? {} : { protocols: hooks.protocols }),
      ...(hooks.selectProtocol === undefined
        ? {}
        : { selectProtocol: (offered: readonly string[]) => hooks.selectProtocol!(offered, request) }),
      ...(extra === undefined ? {} : { headers: extra }),
    });
  } catch (error) {
    return refuse(rejectHandshake(500), error);
  }
  if (!result.ok) return refuse(result.response, result.error as HandshakeError);
  if (hooks.verify) {
    let verdict: VerifyResult;
    try {
      verdict = await hooks.verify(request, {
        origin: headRequest.headers.get('origin'),
        secure: isSecure(socket),
        protocol: result.protocol,
      });
    } catch (error) {
      return refuse(rejectHandshake(500), error);
    }
    if (verdict !== true) {
      if (verdict === false) return refuse(rejectHandshake(403));
      try {
        const { status, headers, body } = verdict as UpgradeRejection;
        return refuse(rejectHandshake(status, { headers, body }));
      } catch (error) {
        return refuse(rejectHandshake(500), error);
      }
    }
  }
  if (socket.destroyed || !socket.writable) {
    socket.off('error', swallow);
    return { status: 0 };
  }
  // The server may have started closing while verify ran.
  if (!stillAccepting()) return refuse(rejectHandshake(503));
  socket.write(result.response.bytes);
  const transport = new NodeSocketTransport(socket);
  socket.off('error', swallow);
  return {
    transport,
    earlyData: head,
    protocol: result.protocol,
    extensions: result.extensions,
    url: request.url ?? '/',
  };
}
