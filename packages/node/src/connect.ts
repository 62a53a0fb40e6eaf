import { formatExtensions } from '@wskit/handshake';
import {
  loadClientPerMessageDeflate,
  type PerMessageDeflateOption,
} from '@wskit/permessage-deflate/on-demand';
import type { SessionOptions } from '@wskit/transport';
import { engineExtensions, WebSocket } from '@wskit/transport';
import { type BinaryTypeOption, binaryViewFor, checkBinaryType } from './binary-type.js';
import { type ClientHandshakeOptions, upgradeClient } from './client-upgrade.js';
import { type Http2ConnectOption, loadHttp2Client, prepareHttp2 } from './http2-options.js';
import { pickSessionOptions } from './session-options.js';

/**
 * The options of {@link connect}: how to open the connection and run the handshake, compression,
 * and the session's limits and timeouts (`@wskit/transport`'s `SessionOptions`: `maxMessageSize`,
 * `maxFrameSize`, `closeTimeout`, `keepaliveInterval`, `highWaterMark`, …).
 */
export interface ConnectOptions
  extends ClientHandshakeOptions,
    Http2ConnectOption,
    SessionOptions,
    BinaryTypeOption {
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
 * a session; with `http2`, a stream of an HTTP/2 session instead (RFC 8441, see
 * {@link Http2ConnectOption}). Resolves with the open WebSocket (`@wskit/transport`'s idiomatic API: `send`,
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
  const offered = deflate === undefined ? [] : deflate.then((negotiator) => [negotiator]);
  // `http2: false` asks for the default: an HTTP/1.1 upgrade.
  const upgrading =
    options.http2 === undefined || options.http2 === false
      ? upgradeClient(url, options, offered)
      : upgradeOverHttp2(url, options, offered);
  return upgrading.then(async (upgrade) => {
    let extensions: ReturnType<typeof engineExtensions>;
    try {
      // Loaded by now: the handshake offered it.
      extensions = engineExtensions(await deflate, upgrade.extensions, 'client');
    } catch (error) {
      upgrade.transport.abort();
      throw error;
    }
    return new WebSocket(upgrade.transport, {
      ...session,
      role: 'client',
      protocol: upgrade.protocol ?? '',
      extensions,
      extensionsHeader: upgrade.extensions.length > 0 ? formatExtensions(upgrade.extensions) : '',
      url: upgrade.url.href,
      earlyData: upgrade.earlyData,
      binaryView: binaryViewFor(binaryType),
    });
  });
}

/** The HTTP/2 path: checks at the call, then the HTTP/2 client, loaded on first use. */
function upgradeOverHttp2(
  url: string | URL,
  options: ConnectOptions,
  offered: Parameters<typeof upgradeClient>[2],
): ReturnType<typeof upgradeClient> {
  const prepared = prepareHttp2(url, options);
  // The HTTP/2 client and the extensions (permessage-deflate) load together.
  return Promise.all([loadHttp2Client(), offered ?? []]).then(([client, negotiators]) =>
    client.upgradeHttp2(prepared, options, negotiators),
  );
}
