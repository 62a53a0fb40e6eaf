/**
 * The `Basic` credentials of a URL's `user:password@` (RFC 7617): percent-decoded, UTF-8, base64.
 * One helper for the server's `Authorization` (`withUrlCredentials`) and the proxy's
 * `Proxy-Authorization` (`parseProxyUrl`); `undefined` when the URL has neither a user nor a password.
 */
export function basicCredentials(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const utf8 = new TextEncoder().encode(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  );
  // `btoa` takes Latin-1 only: one character per byte.
  let binary = '';
  for (const byte of utf8) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
