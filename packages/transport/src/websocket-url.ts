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

/** Why {@link parseWebSocketUrl} refused an input. */
export type WebSocketUrlProblem =
  /** Not a URL at all (`new URL` throws). */
  | 'invalid'
  /** A scheme other than `ws:`, `wss:`, `http:`, `https:` (and `ws+unix:` where allowed). */
  | 'scheme'
  /** A fragment, where fragments are refused (the WHATWG classes). */
  | 'fragment'
  /** A `ws:`/`wss:` URL without a host. */
  | 'host'
  /** A `ws+unix:` URL with a host, an empty socket path, or a request path not starting with `/`. */
  | 'socket';

/** What {@link parseWebSocketUrl} read: the target, or why there is none (a description for an error message). */
export type ParsedWebSocketUrl =
  | { readonly ok: true; readonly target: WebSocketTarget }
  | { readonly ok: false; readonly problem: WebSocketUrlProblem; readonly message: string };

/** How {@link parseWebSocketUrl} reads a URL: the RFC 6455 clients' way by default, the WHATWG classes' way with `whatwg`. */
export interface WebSocketUrlRules {
  /** Resolve a relative URL against this (a redirect's `Location` against the URL that answered). */
  readonly base?: string | URL | undefined;
  /**
   * The WHATWG "get a URL record" rules: a fragment (even an empty `#`) is refused rather than
   * dropped, and `ws+unix:` is not a WebSocket scheme. Default `false`.
   */
  readonly whatwg?: boolean | undefined;
}

/** The default ports of RFC 6455 §3. */
const DEFAULT_PORTS = { 'ws:': 80, 'wss:': 443 } as const;

/** A refusal. */
function problem(kind: WebSocketUrlProblem, message: string): ParsedWebSocketUrl {
  return { ok: false, problem: kind, message };
}

/**
 * Reads a WebSocket URL (RFC 6455 §3) into a {@link WebSocketTarget}: the one URL parser of every
 * client, the WHATWG classes included. `http:` and `https:` stand for `ws:` and `wss:` (as in the
 * WHATWG WebSocket); a fragment is dropped (refused under `rules.whatwg`). Relative URLs are
 * resolved against `rules.base`.
 *
 * `ws+unix:///path/to.sock:/request/path?query` (the form `ws` reads) connects to the Unix domain
 * socket `/path/to.sock` and asks for `/request/path?query` (`/` when there is no `:`), with
 * `Host: localhost`.
 *
 * Never throws: a refusal says why (`problem`, `message`), and each caller turns it into its own
 * error (a `TypeError` for `connect`, a `SyntaxError` `DOMException` for the WHATWG classes).
 */
export function parseWebSocketUrl(input: string | URL, rules: WebSocketUrlRules = {}): ParsedWebSocketUrl {
  const text = String(input);
  let url: URL;
  try {
    url = new URL(text, rules.base);
  } catch {
    return problem('invalid', `Invalid URL: ${text}`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (rules.whatwg) {
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      return problem('scheme', `The URL's scheme must be ws, wss, http or https, not ${url.protocol}`);
    }
    if (url.hash !== '' || text.includes('#')) {
      return problem('fragment', 'A WebSocket URL may not have a fragment');
    }
  }
  url.hash = '';
  if (url.protocol === 'ws+unix:') return unixTarget(url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return problem('scheme', `The URL's scheme must be ws, wss, ws+unix, http or https, not ${url.protocol}`);
  }
  if (url.hostname === '') return problem('host', `A ${url.protocol} URL needs a host`);
  const secure = url.protocol === 'wss:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  return {
    ok: true,
    target: { url, secure, hostname, port, host: url.host, path: `${url.pathname || '/'}${url.search}` },
  };
}

/** The target of a `ws+unix:` URL: the socket path before the first `:` of the path, the request path after it. */
function unixTarget(url: URL): ParsedWebSocketUrl {
  const refused = problem(
    'socket',
    'A ws+unix: URL is ws+unix:///path/to.sock or ws+unix:///path/to.sock:/request/path',
  );
  if (url.host !== '') return refused;
  const separator = url.pathname.indexOf(':');
  const encodedSocket = separator === -1 ? url.pathname : url.pathname.slice(0, separator);
  const requestPath = separator === -1 ? '/' : url.pathname.slice(separator + 1) || '/';
  let socketPath: string;
  try {
    socketPath = decodeURIComponent(encodedSocket);
  } catch {
    return refused;
  }
  if (socketPath === '' || socketPath === '/' || !requestPath.startsWith('/')) return refused;
  return {
    ok: true,
    target: {
      url,
      secure: false,
      hostname: 'localhost',
      port: 0,
      host: 'localhost',
      path: `${requestPath}${url.search}`,
      socketPath,
    },
  };
}

/** The target of a client's URL, or the `TypeError` `connect` throws for misuse. */
export function clientTarget(url: string | URL): WebSocketTarget {
  const parsed = parseWebSocketUrl(url);
  if (!parsed.ok)
    throw new TypeError(`Invalid WebSocket URL ${JSON.stringify(String(url))}: ${parsed.message}`);
  return parsed.target;
}

/** Whether `hostname` is an IPv4 or IPv6 address rather than a name (SNI carries names only, RFC 6066 §3). */
export function isIpAddress(hostname: string): boolean {
  return hostname.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}
