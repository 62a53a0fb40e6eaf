import { HeaderList } from '@wskit/handshake';
import { parseWebSocketUrl, type WebSocketTarget } from './websocket-url.js';

/** The defaults of the clients' redirect options. */
export const DefaultRedirectOptions = Object.freeze({
  /** Redirects are not followed. */
  followRedirects: false,
  /** At most 10 redirects when `followRedirects` is on. */
  maxRedirects: 10,
});

/** The statuses a client follows with `followRedirects` (RFC 9110 §15.4), given a `Location`. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Request headers that do not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'] as const;

/** Whether a response is a redirect a client may follow: a 301, 302, 303, 307 or 308 with a `Location`. */
export function isRedirectResponse(status: number | undefined, headers: HeaderList | undefined): boolean {
  return status !== undefined && REDIRECT_STATUSES.has(status) && headers?.has('location') === true;
}

/** Whether two targets share scheme, host and port (and socket path): credentials may follow. */
function isSameOrigin(a: WebSocketTarget, b: WebSocketTarget): boolean {
  return (
    a.secure === b.secure && a.hostname === b.hostname && a.port === b.port && a.socketPath === b.socketPath
  );
}

/** Base64 of bytes (`btoa` takes Latin-1 only; user names and passwords may be any Unicode). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * `headers` with an `Authorization: Basic …` made from the URL's `user:password@` (percent-decoded,
 * UTF-8; RFC 7617), as `ws` sends it up front, unless the URL has none or `headers` already has an
 * `Authorization` (given explicitly, it wins). A copy when it adds one; `headers` is not changed.
 */
export function withUrlCredentials(headers: HeaderList, url: URL): HeaderList {
  if ((url.username === '' && url.password === '') || headers.has('authorization')) return headers;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return new HeaderList(headers).set(
    'Authorization',
    `Basic ${base64(new TextEncoder().encode(credentials))}`,
  );
}

/** What to do about a redirect: follow it to `target` with `headers`, or fail. */
export type RedirectStep =
  | {
      /** Follow the redirect: connect to `target` with `headers`. */
      readonly kind: 'follow';
      /** Where the location leads, as a WebSocket URL. */
      readonly target: WebSocketTarget;
      /** The request headers for the new target (credentials dropped for another origin). */
      readonly headers: HeaderList;
    }
  | {
      /** The location is not a WebSocket URL: fail (`WS_ERR_UPGRADE_INVALID_REDIRECT`). */
      readonly kind: 'invalid';
    }
  | {
      /** More than `maxRedirects`: fail (`WS_ERR_UPGRADE_TOO_MANY_REDIRECTS`). */
      readonly kind: 'too-many';
    };

/**
 * The shared redirect rule of every client: where the redirect `location` leads from `from` (relative
 * to it; `http:`/`https:` taken as `ws:`/`wss:`), and the request headers to send there. `invalid`
 * when the location is not a WebSocket URL, `too-many` when `redirects` (counting this one) exceeds
 * `maxRedirects`. On a redirect to another origin `Authorization` and `Cookie` are dropped, so
 * credentials (the URL's `user:password@` included) never reach another origin; the new URL's own
 * credentials, if any, are then used.
 */
export function planRedirect(
  location: string,
  from: WebSocketTarget,
  headers: HeaderList,
  redirects: number,
  maxRedirects: number,
): RedirectStep {
  const parsed = parseWebSocketUrl(location, { base: from.url });
  if (!parsed.ok) return { kind: 'invalid' };
  const { target } = parsed;
  if (redirects > maxRedirects) return { kind: 'too-many' };
  let next = headers;
  if (!isSameOrigin(target, from)) {
    next = new HeaderList(headers);
    for (const name of CREDENTIAL_HEADERS) next.delete(name);
  }
  return { kind: 'follow', target, headers: withUrlCredentials(next, target.url) };
}
