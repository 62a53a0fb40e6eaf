import { formatExtensions } from '@wskit/handshake';
import {
  loadClientPerMessageDeflate,
  type PerMessageDeflateOption,
} from '@wskit/permessage-deflate/on-demand';
import type { SessionOptions, WebSocket } from '@wskit/transport';
import { engineExtensions } from '@wskit/transport';
import { type BinaryTypeOption, checkBinaryType, openNodeWebSocket } from './binary-type.js';
import { type ClientHandshakeOptions, upgradeClient } from './client-upgrade.js';
import { pickSessionOptions } from './session-options.js';

/**
 * The options of {@link connect}: how to open the connection and run the handshake, compression,
 * and the session's limits and timeouts (`@wskit/transport`'s `SessionOptions`: `maxMessageSize`,
 * `maxFrameSize`, `closeTimeout`, `keepaliveInterval`, `highWaterMark`, …).
 */
export interface ConnectOptions extends ClientHandshakeOptions, SessionOptions, BinaryTypeOption {
  /**
   * Offer permessage-deflate compression (RFC 7692, `@wskit/permessage-deflate`): `true` with its
   * defaults, or its options (`serverNoContextTakeover`, `serverMaxWindowBits`,
   * `clientMaxWindowBits`, `clientNoContextTakeover`, `threshold`, `level`, `memoryLevel`,
   * `concurrencyLimit`). Default `true`, as browsers, `ws` and undici offer it: used only when the
   * server accepts it, and `maxMessageSize` bounds every inflated message. Pass `false` to offer
   * nothing: compression costs CPU and about 300 KiB of zlib memory per connection, and compressing
   * secrets together with data an attacker chooses leaks them (CRIME/BREACH; `send(data, {
   * compress: false })` keeps one message out of it). Connections made with one options object share
   * one negotiator (and its `concurrencyLimit`).
   */
  readonly perMessageDeflate?: PerMessageDeflateOption | undefined;
}

/**
 * Opens a WebSocket to a `ws:` or `wss:` URL (`http:` and `https:` are taken as `ws:` and `wss:`):
 * a TCP or TLS connection (directly, or through an HTTP proxy tunnel), the opening handshake, then
 * a session. Resolves with the open WebSocket (`@wskit/transport`'s idiomatic API: `send`,
 * `stream`, `ping`, `close`, events and async iteration). Frames the server sent right behind its
 * `101` are not lost: they are the session's first bytes.
 *
 * Throws `TypeError`/`RangeError` at once for misuse (a bad URL, a reserved header, a bad option).
 * Rejects with a {@link HandshakeFailedError} when the server refuses (with the response's
 * `status`, `headers` and `body`), with a `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT` after
 * `handshakeTimeout`, with Node's error for a network or TLS failure, or with the reason of an
 * aborted `signal`.
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  const session = pickSessionOptions(options);
  const binaryType = checkBinaryType(options.binaryType);
  // Offered unless turned off (as browsers, ws and undici do); loaded on demand, while connecting.
  const deflate = loadClientPerMessageDeflate(options.perMessageDeflate ?? true);
  const offered = deflate?.then((negotiator) => [negotiator]);
  return upgradeClient(url, options, offered ?? []).then(async (upgrade) => {
    let extensions: ReturnType<typeof engineExtensions>;
    try {
      // Loaded by now: the handshake offered it.
      extensions = engineExtensions(await deflate, upgrade.extensions, 'client');
    } catch (error) {
      upgrade.transport.abort();
      throw error;
    }
    return openNodeWebSocket(
      upgrade.transport,
      {
        ...session,
        role: 'client',
        protocol: upgrade.protocol ?? '',
        extensions,
        extensionsHeader: upgrade.extensions.length > 0 ? formatExtensions(upgrade.extensions) : '',
        url: upgrade.url.href,
        earlyData: upgrade.earlyData,
      },
      binaryType,
    );
  });
}
