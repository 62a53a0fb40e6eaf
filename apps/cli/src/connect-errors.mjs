// Why `connect` could not open a WebSocket, in one or two lines a person can act on.
import { STATUS_CODES } from 'node:http';
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
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS failed with ${where} (is it a wss: server?): ${message}`;
  }
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return `TLS certificate not trusted: ${message} (trust its CA with --ca <file>, or skip the check with --insecure)`;
  }
  return `could not connect to ${where}: ${message}`;
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
