import { HeaderList } from '@wskit/handshake';
import { basicCredentials } from './basic-credentials.js';

/** The defaults of the clients' redirect options. */
export const DefaultRedirectOptions = Object.freeze({
  /** Redirects are not followed. */
  followRedirects: false,
  /** At most 10 redirects when `followRedirects` is on. */
  maxRedirects: 10,
});

/** The statuses a client follows with `followRedirects` (RFC 9110 §15.4), given a `Location`. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Whether a response is a redirect a client may follow: a 301, 302, 303, 307 or 308 with a `Location`. */
export function isRedirectResponse(status: number | undefined, headers: HeaderList | undefined): boolean {
  return status !== undefined && REDIRECT_STATUSES.has(status) && headers?.has('location') === true;
}

/**
 * `headers` with an `Authorization: Basic …` made from the URL's `user:password@` (percent-decoded,
 * UTF-8; RFC 7617), as `ws` sends it up front, unless the URL has none or `headers` already has an
 * `Authorization` (given explicitly, it wins). A copy when it adds one; `headers` is not changed.
 */
export function withUrlCredentials(headers: HeaderList, url: URL): HeaderList {
  if (headers.has('authorization')) return headers;
  const credentials = basicCredentials(url);
  return credentials === undefined ? headers : new HeaderList(headers).set('Authorization', credentials);
}
