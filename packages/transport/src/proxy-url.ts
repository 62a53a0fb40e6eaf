import { basicCredentials } from './basic-credentials.js';

/** An HTTP proxy to tunnel through with `CONNECT` (RFC 9110 §9.3.6): where it is and how to log in. */
export interface ProxyTarget {
  /** The proxy's host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** The proxy's port (default 80 for `http:`, 443 for `https:`). */
  readonly port: number;
  /**
   * Whether the connection to the proxy is TLS (an `https:` proxy URL): the `CONNECT` exchange, and
   * then the tunnel (TLS with a `wss:` server included, TLS in TLS), run inside it.
   */
  readonly secure: boolean;
  /** `Proxy-Authorization` from the proxy URL's `user:password@` (Basic), if any. */
  readonly authorization?: string | undefined;
  /** The proxy URL without credentials, for messages. */
  readonly url: string;
}

/**
 * Reads a proxy URL (`http://user:password@proxy:3128`, or `https:` for TLS to the proxy). Throws a
 * `TypeError` for a malformed URL or another scheme.
 */
export function parseProxyUrl(proxy: string | URL): ProxyTarget {
  let url: URL;
  try {
    url = new URL(String(proxy));
  } catch {
    throw new TypeError(`proxy must be an http: or https: URL, not ${JSON.stringify(String(proxy))}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new TypeError(`proxy must be an http: or https: URL, not ${JSON.stringify(String(proxy))}`);
  }
  const secure = url.protocol === 'https:';
  const authorization = basicCredentials(url);
  return {
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    secure,
    authorization,
    url: `${url.protocol}//${url.host}/`,
  };
}
