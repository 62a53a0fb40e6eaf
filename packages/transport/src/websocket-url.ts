/** Where a client connects: the parts of a `ws:` or `wss:` URL that a socket and a request need. */
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
 * `ws:` and `wss:` (as in the WHATWG WebSocket); a fragment is dropped. Relative URLs are resolved
 * against `base` (a redirect's `Location` against the URL that answered).
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

/** Whether `hostname` is an IPv4 or IPv6 address rather than a name (SNI carries names only, RFC 6066 §3). */
export function isIpAddress(hostname: string): boolean {
  return hostname.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
