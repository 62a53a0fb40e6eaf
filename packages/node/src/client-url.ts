/** Where one handshake attempt goes: the parts of a `ws:` or `wss:` URL a socket and a request need. */
export interface WebSocketTarget {
  /** The URL, with `ws:` or `wss:` and without fragment. */
  readonly url: URL;
  /** `wss:`: TLS. */
  readonly secure: boolean;
  /** The host to connect to: a name or an IP address, without IPv6 brackets. */
  readonly hostname: string;
  /** The port, the scheme's default (80, 443) when the URL has none. */
  readonly port: number;
  /** The request target: path and query, e.g. `/chat?room=1`. */
  readonly path: string;
}

/** The default ports of RFC 6455 §3. */
const DEFAULT_PORTS = { 'ws:': 80, 'wss:': 443 } as const;

/**
 * Reads a WebSocket URL (RFC 6455 §3) into a {@link WebSocketTarget}. `http:` and `https:` stand for
 * `ws:` and `wss:` (as in the WHATWG WebSocket); a fragment is dropped.
 *
 * @returns the target, or `undefined` for a URL that is malformed or of another scheme.
 */
export function parseWebSocketUrl(input: string | URL, base?: string | URL): WebSocketTarget | undefined {
  let url: URL;
  try {
    url = new URL(String(input), base);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return undefined;
  if (url.hostname === '') return undefined;
  url.hash = '';
  const secure = url.protocol === 'wss:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  return { url, secure, hostname, port, path: `${url.pathname || '/'}${url.search}` };
}

/** Whether two targets share scheme, host and port: headers such as `Authorization` may follow. */
export function isSameOrigin(a: WebSocketTarget, b: WebSocketTarget): boolean {
  return a.secure === b.secure && a.hostname === b.hostname && a.port === b.port;
}
