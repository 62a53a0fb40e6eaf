// Why `connect` could not open a WebSocket, in one or two lines a person can act on.
import { STATUS_CODES } from 'node:http';
import { connect as connectTls } from 'node:tls';
import { isHandshakeFailedError, isWebSocketError } from '@wskit/node';

/** Node's codes of TLS certificate failures, which --ca or --insecure address. */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The longest part of a refusal's body that is shown. */
const BODY_PREVIEW = 200;

/**
 * The message for a failed `connect(url)`: `connection refused: 127.0.0.1:9`, `handshake failed:
 * the server answered 404 Not Found`, a TLS hint, … The error's own message is the fallback.
 *
 * @param {unknown} error
 * @param {URL} url
 * @returns {string}
 */
export function describeConnectError(error, url) {
  const where = url.host;
  if (isHandshakeFailedError(error)) {
    if (error.status === undefined) return `handshake failed: ${error.message}`;
    const phrase = STATUS_CODES[error.status] ?? '';
    const answer = `${error.status}${phrase ? ` ${phrase}` : ''}`;
    const body = bodyPreview(error.body);
    if (error.code === 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS') {
      const location = error.headers?.get('location');
      const redirect = location ? ` (to ${location})` : '';
      return `handshake failed: ${where} answered ${answer}${redirect} instead of 101 Switching Protocols${body}`;
    }
    return `handshake failed: ${error.message} (status ${answer})${body}`;
  }
  if (isWebSocketError(error) && error.code === 'WS_ERR_HANDSHAKE_TIMEOUT') {
    return `timed out: no WebSocket from ${where} in time (--timeout to wait longer)`;
  }
  const code = /** @type {NodeJS.ErrnoException} */ (error)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: ${where} (is a server listening there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${url.hostname}`;
    case 'ECONNRESET':
      return `connection reset by ${where} during the handshake`;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `cannot reach ${where}: ${message}`;
  }
  if (isTlsError(code, message)) {
    if (isPlainTextAnswer(code, message)) {
      return `TLS failed: ${where} does not speak TLS (a plain ws: server?); try ${withScheme(url, 'ws:')}`;
    }
    return `TLS failed with ${where}: ${openSslReason(message)}`;
  }
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return `TLS certificate not trusted: ${message} (trust its CA with --ca <file>, or skip the check with --insecure)`;
  }
  return `could not connect to ${where}: ${message}`;
}

/** How long the TLS probe of {@link describeConnectFailure} waits for a TLS server's hello. */
const TLS_PROBE_TIMEOUT = 3_000;

/**
 * {@link describeConnectError}, plus a hint for a `ws:` URL whose server closed or garbled the
 * connection without an HTTP answer: if the port speaks TLS (a probe completes a TLS handshake,
 * without checking the certificate, and sends nothing), `wss:` is what it wants.
 *
 * @param {unknown} error
 * @param {URL} url
 * @returns {Promise<string>}
 */
export async function describeConnectFailure(error, url) {
  const description = describeConnectError(error, url);
  if (url.protocol !== 'ws:' && url.protocol !== 'http:') return description;
  if (!mayBeTlsPort(error)) return description;
  if (!(await speaksTls(url))) return description;
  return `${description}\n  ${url.host} speaks TLS: try ${withScheme(url, 'wss:')}`;
}

/**
 * Whether a failure of a plain connection is what a TLS server does with an HTTP request: it closes
 * or resets the connection, or answers with a TLS alert (not an HTTP status line).
 *
 * @param {unknown} error
 */
function mayBeTlsPort(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return (
    code === 'WS_ERR_UPGRADE_CONNECTION_CLOSED' ||
    code === 'WS_HANDSHAKE_ERR_INVALID_STATUS_LINE' ||
    code === 'ECONNRESET'
  );
}

/**
 * Whether `url`'s host and port complete a TLS handshake.
 *
 * @param {URL} url
 * @returns {Promise<boolean>}
 */
function speaksTls(url) {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = connectTls({
      host,
      port: Number(url.port || 80),
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
    });
    const done = (/** @type {boolean} */ result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), TLS_PROBE_TIMEOUT);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * Whether a failure is TLS's own (OpenSSL's `ERR_SSL_*`, or `EPROTO`).
 *
 * @param {unknown} code
 * @param {string} message
 */
function isTlsError(code, message) {
  return (
    code === 'EPROTO' ||
    (typeof code === 'string' && code.startsWith('ERR_SSL_')) ||
    /SSL routines/.test(message)
  );
}

/**
 * Whether TLS failed because the server answered in plain text (an HTTP server).
 *
 * @param {unknown} code
 * @param {string} message
 */
function isPlainTextAnswer(code, message) {
  return (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    code === 'ERR_SSL_HTTP_REQUEST' ||
    /wrong version number|packet length too long|http request/i.test(message)
  );
}

/**
 * OpenSSL's reason from its error line (`…:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:…`
 * gives `tlsv1 alert unknown ca`), or the message when it has no such part.
 *
 * @param {string} message
 */
function openSslReason(message) {
  const match = /SSL routines:[^:]*:([^:]+)/.exec(message);
  return match?.[1] ? match[1].trim() : message;
}

/**
 * `url` with another scheme, for a hint.
 *
 * @param {URL} url
 * @param {'ws:' | 'wss:'} scheme
 */
function withScheme(url, scheme) {
  return `${scheme}//${url.host}${url.pathname}${url.search}`;
}

/**
 * The first line of a refusal's body, as `: text`, or nothing.
 *
 * @param {Uint8Array} body
 */
function bodyPreview(body) {
  if (body.length === 0) return '';
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('utf8')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return '';
  return `\n  response body: ${text.length > BODY_PREVIEW ? `${text.slice(0, BODY_PREVIEW)}…` : text}`;
}
