/** Where a client connects: the parts of a `ws:`, `wss:` or `ws+unix:` URL that a socket and a request need. */
export interface WebSocketTarget {
  /** The URL, with `ws:`, `wss:` or `ws+unix:` and without fragment. */
  readonly url: URL;
  /** `wss:`: TLS. */
  readonly secure: boolean;
  /** The host to connect to: a name or an IP address, without IPv6 brackets (`localhost` for a Unix socket). */
  readonly hostname: string;
  /** The port, the scheme's default (80, 443) when the URL has none (0 for a Unix socket). */
  readonly port: number;
  /** The `Host` header: the URL's host and port as written (`localhost` for a Unix socket). */
  readonly host: string;
  /** The request target: path and query, e.g. `/chat?room=1`. */
  readonly path: string;
  /** `ws+unix:`: the path of the Unix domain socket to connect to instead of a TCP host and port. */
  readonly socketPath?: string | undefined;
}

/** The default ports of RFC 6455 §3. */
const DEFAULT_PORTS = { 'ws:': 80, 'wss:': 443 } as const;

/**
 * Reads a WebSocket URL (RFC 6455 §3) into a {@link WebSocketTarget}. `http:` and `https:` stand for
 * `ws:` and `wss:` (as in the WHATWG WebSocket); a fragment is dropped. Relative URLs are resolved
 * against `base` (a redirect's `Location` against the URL that answered).
 *
 * `ws+unix:///path/to.sock:/request/path?query` (the form `ws` reads) connects to the Unix domain
 * socket `/path/to.sock` and asks for `/request/path?query` (`/` when there is no `:`), with
 * `Host: localhost`.
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
  url.hash = '';
  if (url.protocol === 'ws+unix:') return unixTarget(url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return undefined;
  if (url.hostname === '') return undefined;
  const secure = url.protocol === 'wss:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  return { url, secure, hostname, port, host: url.host, path: `${url.pathname || '/'}${url.search}` };
}

/** The target of a `ws+unix:` URL: the socket path before the first `:` of the path, the request path after it. */
function unixTarget(url: URL): WebSocketTarget | undefined {
  if (url.host !== '') return undefined;
  const separator = url.pathname.indexOf(':');
  const encodedSocket = separator === -1 ? url.pathname : url.pathname.slice(0, separator);
  const requestPath = separator === -1 ? '/' : url.pathname.slice(separator + 1) || '/';
  let socketPath: string;
  try {
    socketPath = decodeURIComponent(encodedSocket);
  } catch {
    return undefined;
  }
  if (socketPath === '' || socketPath === '/' || !requestPath.startsWith('/')) return undefined;
  return {
    url,
    secure: false,
    hostname: 'localhost',
    port: 0,
    host: 'localhost',
    path: `${requestPath}${url.search}`,
    socketPath,
  };
}

/** Whether `hostname` is an IPv4 or IPv6 address rather than a name (SNI carries names only, RFC 6066 §3). */
export function isIpAddress(hostname: string): boolean {
  return hostname.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
