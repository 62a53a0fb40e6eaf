/**
 * The upgrade request `WinHttpSendRequest` writes for a request marked with
 * `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET`, and the check of the server's 101 answer.
 *
 * As Wine's implementation observes of Windows: `Upgrade: websocket`, `Connection: Upgrade` and
 * `Sec-WebSocket-Version: 13` are added when the application did not set them, and a fresh
 * `Sec-WebSocket-Key` (16 random bytes, base64) always replaces any the application set. The
 * application adds `Sec-WebSocket-Protocol` itself, as Microsoft's own client does.
 */
import {
  computeAccept,
  generateKey,
  HeaderList,
  type ResponseHead,
  serializeRequest,
  WEBSOCKET_VERSION,
} from '@wskit/handshake';

/** What goes into the request line and the headers WinHTTP adds itself. */
export interface UpgradeRequestInit {
  readonly verb: string;
  readonly target: string;
  /** The version without `HTTP/`, e.g. `1.1`. */
  readonly version: string;
  /** The `Host` value: the server name and the port when not the default. */
  readonly host: string;
  readonly agent: string | null;
  readonly referrer: string | null;
  readonly acceptTypes: readonly string[] | null;
  /** The application's headers (`WinHttpAddRequestHeaders`, `WinHttpSendRequest`). */
  readonly headers: HeaderList;
}

/** The request as written: its bytes, its headers (for `WINHTTP_QUERY_FLAG_REQUEST_HEADERS`) and the key. */
export interface UpgradeRequest {
  readonly bytes: Uint8Array;
  readonly headers: HeaderList;
  readonly key: string;
}

/** Builds the upgrade request. Throws `TypeError` for a header the serializer refuses. */
export function buildUpgradeRequest(init: UpgradeRequestInit): UpgradeRequest {
  const headers = new HeaderList();
  if (!init.headers.has('host')) headers.append('Host', init.host);
  for (const [name, value] of init.headers) headers.append(name, value);
  if (init.agent !== null && init.agent !== '' && !headers.has('user-agent')) {
    headers.append('User-Agent', init.agent);
  }
  if (init.referrer !== null && init.referrer !== '' && !headers.has('referer')) {
    headers.append('Referer', init.referrer);
  }
  if (init.acceptTypes !== null && init.acceptTypes.length > 0 && !headers.has('accept')) {
    headers.append('Accept', init.acceptTypes.join(', '));
  }
  if (!headers.has('upgrade')) headers.append('Upgrade', 'websocket');
  if (!headers.has('connection')) headers.append('Connection', 'Upgrade');
  if (!headers.has('sec-websocket-version'))
    headers.append('Sec-WebSocket-Version', String(WEBSOCKET_VERSION));
  const key = generateKey();
  headers.set('Sec-WebSocket-Key', key);
  const bytes = serializeRequest({ method: init.verb, target: init.target, version: init.version, headers });
  return { bytes, headers, key };
}

/**
 * Whether a 101 response completes the WebSocket handshake (RFC 6455 §4.1): `Upgrade: websocket`,
 * `Connection: upgrade`, exactly one `Sec-WebSocket-Accept` matching our key, at most one subprotocol
 * and one we offered, and no extension (none is negotiated: this API has no extension support).
 */
export function isValidUpgradeResponse(response: ResponseHead, request: UpgradeRequest): boolean {
  const headers = response.headers;
  const upgrade = headers.getTokens('upgrade', { protocols: true });
  if (upgrade === null || !upgrade.some((token) => token.toLowerCase() === 'websocket')) return false;
  if (!headers.hasToken('connection', 'upgrade')) return false;
  if (headers.count('sec-websocket-accept') !== 1) return false;
  if (headers.get('sec-websocket-accept') !== computeAccept(request.key)) return false;
  if (headers.has('sec-websocket-extensions')) return false;
  if (headers.has('sec-websocket-protocol')) {
    const chosen = headers.getTokens('sec-websocket-protocol');
    const offered = request.headers.getTokens('sec-websocket-protocol') ?? [];
    if (chosen === null || chosen.length !== 1 || !offered.includes(chosen[0]!)) return false;
  }
  return true;
}
