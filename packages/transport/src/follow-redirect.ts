// Loaded on demand (see `redirect/index.ts`); the shared classes come from the main entry, by the
// package's name, so that the entries share one copy of them.
import { HeaderList } from '@wskit/handshake';
import {
  HandshakeFailedError,
  parseWebSocketUrl,
  UpgradeErrorCodes,
  type WebSocketTarget,
  withUrlCredentials,
} from '@wskit/transport';

/** Request headers that do not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'] as const;

/** Whether two targets share scheme, host and port (and socket path): credentials may follow. */
function isSameOrigin(a: WebSocketTarget, b: WebSocketTarget): boolean {
  return (
    a.secure === b.secure && a.hostname === b.hostname && a.port === b.port && a.socketPath === b.socketPath
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

/**
 * Follows the redirect a {@link HandshakeFailedError} `refused` reports (a `301`, `302`, `303`,
 * `307` or `308` with a `Location`, from the attempt to `from` with `headers`), as every client
 * does with `followRedirects`: returns where to connect next and with which headers (see
 * {@link planRedirect}), or throws a {@link HandshakeFailedError} `WS_ERR_UPGRADE_INVALID_REDIRECT`
 * or `WS_ERR_UPGRADE_TOO_MANY_REDIRECTS` with the response's `status`, `headers` and `body`.
 * `redirects` counts this one.
 */
export function followRedirect(
  refused: HandshakeFailedError<string>,
  from: WebSocketTarget,
  headers: HeaderList,
  redirects: number,
  maxRedirects: number,
): {
  /** Where the location leads, as a WebSocket URL. */
  readonly target: WebSocketTarget;
  /** The request headers for the new target (credentials dropped for another origin). */
  readonly headers: HeaderList;
} {
  const step = planRedirect(refused.headers!.get('location')!, from, headers, redirects, maxRedirects);
  if (step.kind === 'follow') return step;
  const code =
    step.kind === 'invalid' ? 'WS_ERR_UPGRADE_INVALID_REDIRECT' : 'WS_ERR_UPGRADE_TOO_MANY_REDIRECTS';
  throw new HandshakeFailedError({
    code,
    message: `${UpgradeErrorCodes[code]} (${refused.status}${step.kind === 'too-many' ? `, maxRedirects ${maxRedirects}` : ''})`,
    url: from.url.href,
    status: refused.status,
    headers: refused.headers,
    body: refused.body,
  });
}
