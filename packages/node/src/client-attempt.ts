import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls';
import { type HandshakeRequest, type HeadLimits, HeadParser, type ResponseHead } from '@wskit/handshake';
import type { WebSocketTarget } from './client-url.js';
import { HandshakeFailedError } from './errors.js';
import { NodeSocketTransport } from './node-socket-transport.js';
import { readResponseBody } from './response-body.js';

/**
 * What one handshake attempt produced: a `101` response with the transport over the upgraded socket
 * (its response still to be validated) and the bytes that followed the head, or another response
 * with the start of its body (the connection is closed).
 */
export type AttemptResult =
  | {
      readonly kind: 'upgrade';
      readonly response: ResponseHead;
      readonly transport: NodeSocketTransport;
      readonly earlyData: Uint8Array;
    }
  | { readonly kind: 'response'; readonly response: ResponseHead; readonly body: Uint8Array };

/** What an attempt needs besides the target and the request. */
export interface AttemptContext {
  /** TLS options for `wss:`. */
  readonly tls: TlsConnectionOptions | undefined;
  /** Aborted by the handshake timeout or the caller's signal; its reason is the rejection. */
  readonly signal: AbortSignal;
  /** Limits of the response head. */
  readonly headLimits: Partial<HeadLimits> | undefined;
  /** Whether a non-101 response's body is wanted (not for a redirect about to be followed). */
  readonly wantBody: (response: ResponseHead) => boolean;
}

/** Opens a TCP or TLS connection to the target. */
function openSocket(target: WebSocketTarget, tls: TlsConnectionOptions | undefined): Socket {
  const { hostname, port } = target;
  if (!target.secure) return netConnect({ host: hostname, port, allowHalfOpen: true, noDelay: true });
  const options: TlsConnectionOptions & { allowHalfOpen: boolean } = {
    ALPNProtocols: ['http/1.1'],
    // SNI carries a name, never an address (RFC 6066 §3).
    ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
    ...tls,
    host: hostname,
    port,
    // tls.connect passes it on to the TLSSocket (not in its types).
    allowHalfOpen: true,
  };
  return tlsConnect(options);
}

/**
 * One opening handshake over a direct TCP or TLS connection: writes the request, parses the
 * response head with `@wskit/handshake`'s `HeadParser`, and hands the socket over in a
 * {@link NodeSocketTransport} on a 101. Rejects with Node's error for a network or TLS failure, a
 * {@link HandshakeFailedError} for a malformed or missing response, or the signal's reason.
 */
export function directAttempt(
  target: WebSocketTarget,
  request: HandshakeRequest,
  context: AttemptContext,
): Promise<AttemptResult> {
  const { signal } = context;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const socket = openSocket(target, context.tls);
    const parser = new HeadParser('response', context.headLimits);
    const url = target.url.href;
    let settled = false;
    const detach = () => {
      settled = true;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('error', fail);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      detach();
      socket.on('error', () => {}).destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason);
    const onEnd = () =>
      fail(
        new HandshakeFailedError({
          code: 'WS_NODE_ERR_CONNECTION_CLOSED',
          message: 'The server closed the connection before its handshake response was complete',
          url,
        }),
      );
    const onClose = onEnd;
    const onData = (chunk: Buffer) => {
      const parsed = parser.write(chunk);
      if (!parsed.done) return;
      if (!parsed.ok) {
        fail(
          new HandshakeFailedError({
            code: parsed.error.code,
            message: `Invalid handshake response: ${parsed.error.message}`,
            url,
          }),
        );
        return;
      }
      detach();
      const response = parsed.head;
      if (response.status === 101) {
        // The transport pauses the socket and catches its errors until the session starts it.
        resolve({
          kind: 'upgrade',
          response,
          transport: new NodeSocketTransport(socket),
          earlyData: parsed.rest,
        });
        return;
      }
      socket.pause();
      socket.on('error', () => {});
      const body = context.wantBody(response)
        ? readResponseBody(socket, response.status, response.headers, parsed.rest, signal)
        : Promise.resolve(new Uint8Array(0));
      void body.then((bytes) => {
        socket.destroy();
        resolve({ kind: 'response', response, body: bytes });
      });
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', fail);
    signal.addEventListener('abort', onAbort);
    socket.write(request.bytes);
  });
}
