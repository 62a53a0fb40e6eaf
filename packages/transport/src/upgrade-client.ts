import {
  type ClientExtensionNegotiator,
  type ClientHandshake,
  createClientHandshake,
  type Extension,
  type HeaderInit,
  type HeadLimits,
  HeadParser,
  type ResponseHead,
} from '@wskit/handshake';
import { HandshakeFailedError, UpgradeErrorCodes } from './handshake-failed-error.js';
import { createHandshakeTimeout } from './handshake-timeout.js';
import { HandshakeTransport } from './handshake-transport.js';
import type { Transport } from './port.js';
import { clientTarget, type WebSocketTarget } from './websocket-url.js';

/** The options of {@link upgradeClient}: what to ask for, and limits. */
export interface UpgradeClientOptions {
  /** The `ws:` or `wss:` URL (`http:`/`https:` taken as such): `Host` and the request target come from it. */
  readonly url: string | URL;
  /** The subprotocols to offer, most preferred first (`Sec-WebSocket-Protocol`). */
  readonly protocols?: string | readonly string[] | undefined;
  /** Extra request headers (`Authorization`, `Cookie`, …); the handshake's own and `Origin` are refused (`TypeError`). */
  readonly headers?: HeaderInit | undefined;
  /** The `Origin` header (none by default). */
  readonly origin?: string | undefined;
  /**
   * The extensions to offer (`@wskit/handshake` negotiators). The agreed ones are returned; the
   * caller passes their engine hooks to `openWebSocket`.
   */
  readonly extensions?: readonly ClientExtensionNegotiator[] | undefined;
  /** Limits of the response head (`maxHeadSize` 16 KiB, `maxHeaderCount` 100, `maxLineLength` 8 KiB). */
  readonly headLimits?: Partial<HeadLimits> | undefined;
  /** Aborts the handshake: the transport is aborted and the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds the handshake may take, then it fails with `WS_ERR_HANDSHAKE_TIMEOUT` (default 0: no limit of its own). */
  readonly timeout?: number | undefined;
  /**
   * Whether to read the body of a response other than 101 into the error (default: always). Say
   * `false` for a redirect about to be followed, whose body nobody reads.
   */
  readonly readBody?: ((response: ResponseHead) => boolean) | undefined;
}

/** A completed client handshake: the transport for `openWebSocket` and what was agreed. */
export interface ClientUpgrade {
  /** The transport, not started: pass it to `openWebSocket`. */
  readonly transport: Transport;
  /** Bytes that followed the `101` head: the server's first frames (`openWebSocket`'s `earlyData`). */
  readonly earlyData: Uint8Array;
  /** The subprotocol the server selected, or `null`. */
  readonly protocol: string | null;
  /** The extensions agreed, with the server's parameters, in the order they apply. */
  readonly extensions: Extension[];
  /** The server's `101` response. */
  readonly response: ResponseHead;
  /** The URL connected to. */
  readonly url: URL;
}

/**
 * The client side of the opening handshake (RFC 6455 §4.1) over any {@link Transport} (not started
 * yet; a runtime's `Dialer` gives one): writes the request of `@wskit/handshake`'s
 * `createClientHandshake`, reads the response head with its `HeadParser`, validates it, and resolves
 * with the transport to hand to `openWebSocket` and the bytes that followed the head.
 *
 * Throws `TypeError` at once for misuse (a bad URL, a reserved header, a subprotocol that is not a
 * token), before touching the transport. Otherwise the transport is aborted on failure and the
 * promise rejects with a {@link HandshakeFailedError}: `WS_HANDSHAKE_ERR_UNEXPECTED_STATUS` with
 * the response's `status`, `headers` and the start of its `body` for anything but a 101; the
 * validation's code (a wrong `Sec-WebSocket-Accept`, an unoffered subprotocol) with status 101; the
 * parser's code for a malformed head; `WS_ERR_UPGRADE_CONNECTION_CLOSED` when the server closed
 * before its head was complete. A transport error rejects with that error, the timeout with a
 * `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT`, an aborted `signal` with its reason.
 */
export function upgradeClient(transport: Transport, options: UpgradeClientOptions): Promise<ClientUpgrade> {
  const target = clientTarget(options?.url ?? '');
  const timeout = options.timeout ?? 0;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a non-negative number, not ${String(timeout)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []);
  const handshake = createClientHandshake({
    host: target.host,
    path: target.path,
    protocols,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
  });
  const parser = new HeadParser('response', options.headLimits);
  const timer = createHandshakeTimeout(timeout === 0 ? Number.POSITIVE_INFINITY : timeout, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const done = () => timer.clear();
  const upgrading = exchangeClientHandshake(
    transport,
    target,
    handshake,
    parser,
    timer.signal,
    options.readBody,
  );
  upgrading.then(done, done);
  return upgrading;
}

/**
 * The exchange of {@link upgradeClient} once its options were checked and its request built: what
 * `dialWebSocket` runs for each attempt, with the handshake it checked and built itself and the
 * signal of its own timer (so that a bundled client carries neither check twice). `signal` aborts
 * the exchange with its reason. Internal to `@wskit/transport`.
 */
export function exchangeClientHandshake(
  transport: Transport,
  target: WebSocketTarget,
  handshake: ClientHandshake,
  parser: HeadParser<'response'>,
  signal: AbortSignal,
  readBody: ((response: ResponseHead) => boolean) | undefined,
): Promise<ClientUpgrade> {
  const url = target.url.href;
  const phase = new HandshakeTransport(transport);
  const onAbort = () => {
    const reason: unknown = signal.reason;
    phase.abort(reason instanceof Error ? reason : undefined);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  /** Whether the server answered with a complete refusal: the connection then ends gracefully. */
  let refused = false;
  const run = async (): Promise<ClientUpgrade> => {
    phase.write([handshake.request.bytes]);
    for (;;) {
      const chunk = await phase.read();
      if (chunk === undefined) {
        throw new HandshakeFailedError({
          code: 'WS_ERR_UPGRADE_CONNECTION_CLOSED',
          message: UpgradeErrorCodes.WS_ERR_UPGRADE_CONNECTION_CLOSED,
          url,
        });
      }
      const parsed = parser.write(chunk);
      if (!parsed.done) continue;
      if (!parsed.ok) {
        throw new HandshakeFailedError({
          code: parsed.error.code,
          message: `Invalid handshake response: ${parsed.error.message}`,
          url,
        });
      }
      const response = parsed.head;
      const failure = { url, status: response.status, headers: response.headers };
      if (response.status !== 101) {
        const wanted = readBody?.(response) ?? true;
        // Loaded on demand: a client whose handshakes succeed does not carry the body reader.
        const body = wanted
          ? await import('./read-response-body.js').then(({ readResponseBody }) =>
              readResponseBody(phase, response.status, response.headers, parsed.rest),
            )
          : new Uint8Array(0);
        signal.throwIfAborted();
        refused = true;
        const reason = response.reason ? ` ${response.reason}` : '';
        throw new HandshakeFailedError({
          ...failure,
          body,
          code: 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
          message: `The server answered ${response.status}${reason} instead of 101 Switching Protocols`,
        });
      }
      const checked = handshake.validateResponse(response);
      if (!checked.ok) {
        throw new HandshakeFailedError({
          ...failure,
          code: checked.error.code,
          message: `Invalid handshake response: ${checked.error.message}`,
        });
      }
      signal.throwIfAborted();
      return {
        transport: phase.handOver(),
        earlyData: parsed.rest,
        protocol: checked.protocol,
        extensions: checked.extensions,
        response,
        url: target.url,
      };
    }
  };
  return run().then(
    (upgrade) => {
      signal.removeEventListener('abort', onAbort);
      return upgrade;
    },
    (error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      if (refused) closeAfterRefusal(phase);
      else phase.abort(error instanceof Error ? error : undefined);
      throw signal.aborted ? signal.reason : error;
    },
  );
}

/** How long the connection of a refusal may take to end gracefully before it is aborted. */
const REFUSAL_LINGER = 5_000;

/**
 * Ends the connection after the server's refusal with a FIN rather than a reset (a server that
 * closes after its answer need not see an error), aborting it if the server does not end its side.
 */
function closeAfterRefusal(phase: HandshakeTransport): void {
  phase.close();
  const linger = setTimeout(() => phase.abort(), REFUSAL_LINGER);
  (linger as { unref?: () => void }).unref?.();
  void phase.closed.then(() => clearTimeout(linger));
}
