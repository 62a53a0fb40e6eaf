import { HeaderList } from '@wskit/handshake';

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
