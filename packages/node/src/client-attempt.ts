import { isIP } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { ClientExtensionNegotiator, HeaderList, HeadLimits, ResponseHead } from '@wskit/handshake';
import type { WebSocketTarget } from '@wskit/transport';
import { type ClientUpgrade, dialedWith, upgradeClient } from '@wskit/transport';
import { nodeDialer } from './node-dialer.js';

/** What an attempt needs besides the target. */
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

/** What the request of an attempt carries besides the URL. */
export interface AttemptRequest {
  readonly protocols: readonly string[];
  readonly headers: HeaderList;
  readonly origin: string | undefined;
  /** The negotiators, or a promise of them: they load while the connection opens. */
  readonly extensions:
    | readonly ClientExtensionNegotiator[]
    | PromiseLike<readonly ClientExtensionNegotiator[]>;
}

/**
 * One opening handshake over a direct TCP or TLS connection: `nodeDialer` opens the socket and
 * `@wskit/transport`'s `upgradeClient` runs the handshake over the transport, the code every adapter
 * shares, with the same error codes as every other runtime. Resolves with the upgrade, or rejects
 * with Node's error for a network or TLS failure, a `HandshakeFailedError` for a refusal (status,
 * headers, body) or a malformed or missing response (`WS_ERR_UPGRADE_CONNECTION_CLOSED`), or the
 * signal's reason.
 */
export async function directAttempt(
  target: WebSocketTarget,
  request: AttemptRequest,
  context: AttemptContext,
): Promise<ClientUpgrade> {
  const { signal } = context;
  signal.throwIfAborted();
  const [transport, extensions] = await dialedWith(
    nodeDialer({
      host: target.hostname,
      port: target.port,
      secure: target.secure,
      ...(target.socketPath === undefined ? {} : { socketPath: target.socketPath }),
      // SNI carries a name, never an address (RFC 6066 §3).
      servername: isIP(target.hostname) === 0 ? target.hostname : undefined,
      signal,
      tls: context.tls,
    }),
    request.extensions,
  );
  return upgradeClient(transport, {
    url: target.url,
    protocols: request.protocols,
    headers: request.headers,
    origin: request.origin,
    extensions,
    headLimits: context.headLimits,
    signal,
    readBody: context.wantBody,
  });
}
