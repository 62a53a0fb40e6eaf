import { acceptOfValidKey, isValidKey } from './accept.js';
import { WEBSOCKET_VERSION } from './constants.js';
import { HandshakeError, isHandshakeError } from './errors.js';
import type { Extension } from './extensions.js';
import type { RequestHead, ResponseHead } from './head-parser.js';
import { appendChecked, type HeaderInit, HeaderList, isHeaderList } from './header-list.js';
import { asciiLowerCase, isHttp11OrLater, isValidHost } from './http-grammar.js';
import { encodeHead, reasonPhrase } from './serialize.js';
import {
  appendAgreement,
  checkServerOptions,
  hasField,
  hasSupportedVersion,
  hasToken,
  negotiate,
  onlyValue,
  type ServerHandshakeOptions,
} from './server-negotiation.js';

/** A response the server side built: the head, its body, and the bytes to write to the socket. */
export interface HandshakeResponse extends ResponseHead {
  /** The body (empty for a 101). */
  readonly body: Uint8Array;
  /**
   * The whole response, head and body, ready to write: possibly a view of a larger buffer shared
   * with other responses (`byteOffset` not 0), as a pooled Node `Buffer` is; never written over.
   */
  readonly bytes: Uint8Array;
}

/**
 * The outcome of {@link acceptServerHandshake}: the 101 response and what was agreed, or the peer's
 * error with the rejection response to send before closing the connection.
 */
export type ServerHandshakeResult =
  | {
      /** The request is a valid opening handshake: send `response`, then speak WebSocket. */
      readonly ok: true;
      /** The selected subprotocol, or `null`. */
      readonly protocol: string | null;
      /** The accepted extensions, in the order they apply (RFC 6455 §9.1). */
      readonly extensions: Extension[];
      /** The `101 Switching Protocols` response. */
      readonly response: HandshakeResponse;
    }
  | {
      /** The request is refused: send `response`, then close the connection. */
      readonly ok: false;
      /** Why the request is not a valid opening handshake. */
      readonly error: HandshakeError;
      /** The rejection (status `error.status`) to send before closing the connection. */
      readonly response: HandshakeResponse;
    };

/** Options of {@link rejectHandshake}. */
export interface RejectionOptions {
  /** Extra headers, e.g. `WWW-Authenticate` for a 401 or `Location` for a redirect. */
  readonly headers?: HeaderInit;
  /** The body; default a one-line text/plain description. Strings are sent as UTF-8. */
  readonly body?: string | Uint8Array;
}

/** Whether `target` is origin-form (`/path?query`) or absolute-form with an http(s)/ws(s) scheme. */
function isValidTarget(target: string): boolean {
  for (let i = 0; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  if (target.startsWith('/')) return true;
  const lower = asciiLowerCase(target.slice(0, 8));
  return ['http://', 'https://', 'ws://', 'wss://'].some((scheme) => lower.startsWith(scheme));
}

/** Whether the request announces a body, which an upgrade request must not (smuggling guard). */
function announcesBody(headers: HeaderList): boolean {
  if (hasField(headers, 'transfer-encoding')) return true;
  if (!hasField(headers, 'content-length')) return false;
  const lengths = headers.getAll('content-length');
  return lengths.some((value) => value.length === 0 || [...value].some((char) => char !== '0'));
}

/** Validates the RFC 6455 §4.2.1 requirements of an HTTP/1.1 request; returns the key or the error. */
function validateRequest(request: RequestHead): string | HandshakeError {
  const { headers } = request;
  if (!isHttp11OrLater(request.version)) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION',
      'The handshake needs HTTP/1.1 or later',
    );
  }
  if (request.method !== 'GET') {
    return new HandshakeError('WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED', 'The handshake method must be GET');
  }
  if (!isValidTarget(request.target)) {
    return new HandshakeError('WS_HANDSHAKE_ERR_INVALID_REQUEST_TARGET', 'The request target must be a path');
  }
  const host = onlyValue(headers, 'host');
  if (host === undefined || !isValidHost(host)) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_INVALID_HOST',
      'The request needs exactly one valid Host header',
    );
  }
  if (announcesBody(headers)) {
    return new HandshakeError('WS_HANDSHAKE_ERR_UNEXPECTED_BODY', 'An upgrade request must not have a body');
  }
  if (!hasToken(headers, 'upgrade', 'websocket', true)) {
    return new HandshakeError('WS_HANDSHAKE_ERR_INVALID_UPGRADE', 'The Upgrade header must name websocket');
  }
  if (!hasToken(headers, 'connection', 'upgrade')) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
      'The Connection header must include Upgrade',
    );
  }
  if (!hasSupportedVersion(headers)) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
      `Sec-WebSocket-Version must be ${WEBSOCKET_VERSION}`,
    );
  }
  const key = onlyValue(headers, 'sec-websocket-key');
  if (key === undefined || !isValidKey(key)) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_INVALID_KEY',
      'Sec-WebSocket-Key must appear once and be the base64 encoding of 16 bytes',
    );
  }
  return key;
}

/**
 * Validates an HTTP/1.1 opening handshake request (RFC 6455 §4.2.1), selects a subprotocol and
 * negotiates extensions through the hooks in `options`, and builds the response to send: the
 * `101 Switching Protocols` (RFC 6455 §4.2.2) or a rejection with the right status and headers
 * (426 carries `Upgrade: websocket` and, for a version mismatch, `Sec-WebSocket-Version: 13`; 405
 * carries `Allow: GET`). Checks such as `Origin` or authentication are the caller's: read
 * `request.headers` first and answer with {@link rejectHandshake}.
 *
 * The peer's errors are returned, never thrown; misuse of `options` throws `TypeError`.
 *
 * @param request the head from a {@link HeadParser} of kind `'request'`, or built from another HTTP
 *   server's request (`HeaderList.fromRawHeaders(req.rawHeaders)` in Node).
 */
export function acceptServerHandshake(
  request: RequestHead,
  options: ServerHandshakeOptions = {},
): ServerHandshakeResult {
  if (!request || !isHeaderList(request.headers)) {
    throw new TypeError('acceptServerHandshake: request must be a RequestHead with a HeaderList');
  }
  const extraHeaders = checkServerOptions(options);
  const key = validateRequest(request);
  if (key instanceof HandshakeError) return { ok: false, error: key, response: rejectHandshake(key) };
  const agreement = negotiate(request, options);
  if (agreement instanceof HandshakeError) {
    return { ok: false, error: agreement, response: rejectHandshake(agreement) };
  }
  // The handshake's own fields need no checking; the agreement's and the extra ones are checked.
  const headers = new HeaderList();
  appendChecked(headers, 'Upgrade', 'upgrade', 'websocket');
  appendChecked(headers, 'Connection', 'connection', 'Upgrade');
  appendChecked(headers, 'Sec-WebSocket-Accept', 'sec-websocket-accept', acceptOfValidKey(key));
  appendAgreement(headers, agreement);
  if (extraHeaders !== undefined) for (const [name, value] of extraHeaders) headers.append(name, value);
  return {
    ok: true,
    protocol: agreement.protocol,
    extensions: agreement.extensions,
    response: buildResponse(101, headers, NO_BODY),
  };
}

/** The body of every 101: one empty array for all (an array costs about 200 bytes of heap even empty). */
const NO_BODY = new Uint8Array(0);

/** The size of the blocks that heads are carved from (see {@link allocateHead}). */
const HEAD_BLOCK = 8 * 1024;

/** The block the next heads are carved from, and how much of it is taken. */
let headBlock: ArrayBuffer | undefined;
let headBlockUsed = 0;

/**
 * Memory for one head: a view of a shared block rather than an array of its own. A new `Uint8Array`
 * over 64 bytes gets its own off-heap buffer, which costs a handshake more than the rest of the
 * serializing; the views of a block share one. A view is never handed out twice, so the bytes of a
 * head stay as written for as long as it is kept; the block is freed once no view of it is.
 */
function allocateHead(size: number): Uint8Array {
  if (size > HEAD_BLOCK / 4) return new Uint8Array(size);
  if (headBlock === undefined || headBlockUsed + size > HEAD_BLOCK) {
    headBlock = new ArrayBuffer(HEAD_BLOCK);
    headBlockUsed = 0;
  }
  const start = headBlockUsed;
  // Each view starts at a multiple of 8, as an array of its own would.
  headBlockUsed += (size + 7) & ~7;
  return new Uint8Array(headBlock, start, size);
}

/** The status line of every 101 (a string made once, not per handshake). */
const SWITCHING_LINE = `HTTP/1.1 101 ${reasonPhrase(101)}`;

function buildResponse(status: number, headers: HeaderList, body: Uint8Array): HandshakeResponse {
  const reason = reasonPhrase(status);
  // serializeResponse's checks hold: the status is 101 or checked by rejectHandshake, the reason ours.
  const line = status === 101 ? SWITCHING_LINE : `HTTP/1.1 ${status} ${reason}`;
  const bytes = encodeHead(line, headers, body, allocateHead);
  return { version: '1.1', status, reason, headers, body, bytes };
}

/** The headers an error's rejection needs besides the usual ones (RFC 9110 §15.5.6, §15.5.22). */
function errorHeaders(error: HandshakeError, headers: HeaderList): void {
  if (error.status === 405) headers.append('Allow', 'GET');
  if (error.status === 426) {
    headers.append('Upgrade', 'websocket');
    headers.set('Connection', 'Upgrade, close');
  }
  if (error.code === 'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION') {
    headers.append('Sec-WebSocket-Version', String(WEBSOCKET_VERSION));
  }
}

/**
 * Builds an HTTP/1.1 response that refuses the handshake, to write before closing the connection:
 * for a {@link HandshakeError} (from the parser or the validation) its status and the headers it
 * calls for, or any status from 300 to 599 of your own (401 with `WWW-Authenticate`, 403 for a
 * refused `Origin`, a redirect with `Location`). It carries `Connection: close`, a text/plain body
 * and its `Content-Length`.
 *
 * Throws `RangeError` for a status outside 300–599 and `TypeError` for headers a
 * {@link HeaderList} refuses or that set `Content-Length`/`Transfer-Encoding`.
 */
export function rejectHandshake(
  reason: HandshakeError | number,
  options: RejectionOptions = {},
): HandshakeResponse {
  const error = isHandshakeError(reason) ? reason : undefined;
  const status = error ? error.status : reason;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 300 || status > 599) {
    throw new RangeError('rejectHandshake: the status must be an integer from 300 to 599');
  }
  const extra = new HeaderList(options.headers);
  if (extra.has('content-length') || extra.has('transfer-encoding')) {
    throw new TypeError(
      'rejectHandshake: Content-Length is set from the body; Transfer-Encoding is not used',
    );
  }
  let body: Uint8Array;
  if (options.body instanceof Uint8Array) body = options.body;
  else if (typeof options.body === 'string') body = new TextEncoder().encode(options.body);
  else if (options.body === undefined) {
    body = new TextEncoder().encode(
      `${error ? error.message : reasonPhrase(status) || `Status ${status}`}\n`,
    );
  } else throw new TypeError('rejectHandshake: body must be a string or a Uint8Array');
  const headers = new HeaderList([['Connection', 'close']]);
  if (error) errorHeaders(error, headers);
  headers.append('Content-Type', 'text/plain; charset=utf-8');
  for (const name of extra.names()) headers.delete(name);
  for (const [name, value] of extra) headers.append(name, value);
  headers.append('Content-Length', String(body.length));
  return buildResponse(status, headers, body);
}
