/**
 * WebSockets over HTTP/2 (RFC 8441): the extended CONNECT request and its 200 response, validated
 * like their HTTP/1.1 counterparts. The HTTP/2 stack itself (SETTINGS_ENABLE_CONNECT_PROTOCOL,
 * HPACK, streams) stays the caller's, e.g. `node:http2` with `settings: { enableConnectProtocol: true }`.
 */
import {
  type ClientHandshakeOptions,
  type ClientHandshakeResult,
  prepareClientOffer,
  validateAgreement,
} from './client-handshake.js';
import { WEBSOCKET_VERSION } from './constants.js';
import { CLIENT_SIDE_STATUS, HandshakeError } from './errors.js';
import { type Extension, formatNamedExtensions } from './extensions.js';
import type { RequestHead } from './head-parser.js';
import { HeaderList } from './header-list.js';
import { asciiLowerCase, isFieldValue, isToken, isValidHost, trimWhitespace } from './http-grammar.js';
import {
  appendAgreement,
  checkServerOptions,
  hasSupportedVersion,
  negotiate,
  type ServerHandshakeOptions,
} from './server-negotiation.js';

/**
 * An HTTP/2 header block as a plain object, the shape `node:http2` takes and gives: lower-case
 * names, pseudo-headers (`:method`, `:status`, …) first, repeated fields as arrays.
 */
export type Http2Headers = Record<string, string | string[]>;

/** An HTTP/2 header block to read: an object (as `node:http2` gives it) or `[name, value]` pairs. */
export type Http2HeadersInit =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Iterable<readonly [name: string, value: string]>;

/** What the client side of RFC 8441 asks for. */
export interface Http2ClientHandshakeOptions
  extends Pick<ClientHandshakeOptions, 'origin' | 'protocols' | 'extensions' | 'headers'> {
  /** `:scheme`: `https` for `wss:` URIs (the default), `http` for `ws:` URIs (RFC 8441 §5). */
  readonly scheme?: 'https' | 'http';
  /** `:authority`: the authority of the URI, e.g. `example.com` (RFC 8441 §5). */
  readonly authority: string;
  /** `:path`: path and query of the URI; default `/`. */
  readonly path?: string;
}

/** A client handshake over HTTP/2 in progress. */
export interface Http2ClientHandshake {
  /** The extended CONNECT request's header block, e.g. for `session.request(headers)`. */
  readonly headers: Http2Headers;
  /** Checks the response's header block (from the `response` event). */
  validateResponse(headers: Http2HeadersInit): ClientHandshakeResult;
}

/** The outcome of {@link acceptHttp2ServerHandshake}. */
export type Http2ServerHandshakeResult =
  | {
      /** The extended CONNECT is a valid WebSocket request: answer 200 with `headers`. */
      readonly ok: true;
      /** The selected subprotocol, or `null`. */
      readonly protocol: string | null;
      /** The accepted extensions, in the order they apply. */
      readonly extensions: Extension[];
      /** The 200 response's header block, e.g. for `stream.respond(headers)`. */
      readonly headers: Http2Headers;
    }
  | {
      /** The request is refused: answer with `headers`, then end the stream. */
      readonly ok: false;
      /** Why the request is not a valid RFC 8441 handshake. */
      readonly error: HandshakeError;
      /** The rejection's header block (`:status` is `error.status`); end the stream after it. */
      readonly headers: Http2Headers;
    };

/** Connection-specific fields are not used in HTTP/2 (RFC 9113 §8.2.2); the handshake's own neither. */
const RESERVED_HTTP2_REQUEST_HEADERS = new Set([
  'host',
  'upgrade',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'origin',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'content-length',
  'transfer-encoding',
]);

/** Splits a header block into pseudo-headers and regular fields; invalid fields are peer errors. */
function readHeaderBlock(
  init: Http2HeadersInit,
  status?: number,
): { pseudo: Map<string, string>; headers: HeaderList } | HandshakeError {
  if (init === null || typeof init !== 'object') throw new TypeError('expected an HTTP/2 header block');
  const pairs: [string, string][] = [];
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of init as Iterable<readonly [string, string]>) pairs.push([name, value]);
  } else {
    for (const [name, value] of Object.entries(init as Record<string, unknown>)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) pairs.push([name, String(item)]);
      else pairs.push([name, String(value)]);
    }
  }
  const pseudo = new Map<string, string>();
  const headers = new HeaderList();
  for (const [rawName, rawValue] of pairs) {
    const name = asciiLowerCase(String(rawName));
    const value = trimWhitespace(String(rawValue));
    if (!isFieldValue(value)) {
      return new HandshakeError(
        'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
        'A header value holds a control character',
        status,
      );
    }
    if (name.startsWith(':')) {
      if (pseudo.has(name) || !isToken(name.slice(1))) {
        return new HandshakeError(
          'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER',
          'A pseudo-header is repeated or invalid',
          status,
        );
      }
      pseudo.set(name, value);
    } else {
      if (!isToken(name)) {
        return new HandshakeError(
          'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME',
          'A header name is not a token',
          status,
        );
      }
      headers.append(name, value);
    }
  }
  return { pseudo, headers };
}

/** A header list as an HTTP/2 header block: lower-case names, repeated fields as arrays. */
function toHeaderBlock(pseudo: Record<string, string>, headers: HeaderList): Http2Headers {
  const block: Http2Headers = Object.create(null);
  Object.assign(block, pseudo);
  for (const name of headers.names()) {
    const values = headers.getAll(name);
    block[name] = values.length === 1 ? values[0]! : values;
  }
  return block;
}

/**
 * Starts the client side of a WebSocket over HTTP/2 (RFC 8441 §4, §5): the extended CONNECT header
 * block (`:method: CONNECT`, `:protocol: websocket`, `:scheme`, `:path`, `:authority`,
 * `sec-websocket-version: 13`, and the optional origin, subprotocols, extension offers and extra
 * headers; no key, no `Upgrade`/`Connection`). Send it only after the server's SETTINGS carried
 * SETTINGS_ENABLE_CONNECT_PROTOCOL = 1. Misuse throws `TypeError`.
 */
export function createHttp2ClientHandshake(options: Http2ClientHandshakeOptions): Http2ClientHandshake {
  const scheme = options?.scheme ?? 'https';
  if (scheme !== 'https' && scheme !== 'http')
    throw new TypeError("createHttp2ClientHandshake: scheme must be 'https' or 'http'");
  if (typeof options.authority !== 'string' || !isValidHost(options.authority)) {
    throw new TypeError('createHttp2ClientHandshake: authority must be such as example.com:8443');
  }
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || !isFieldValue(path) || path.includes(' ')) {
    throw new TypeError('createHttp2ClientHandshake: path must start with / and hold no spaces or controls');
  }
  const { offer, extensionElements, extraHeaders } = prepareClientOffer(
    options,
    RESERVED_HTTP2_REQUEST_HEADERS,
  );
  const headers = new HeaderList([['sec-websocket-version', String(WEBSOCKET_VERSION)]]);
  if (options.origin !== undefined) headers.append('origin', options.origin);
  if (offer.protocols.length > 0) headers.append('sec-websocket-protocol', offer.protocols.join(', '));
  if (extensionElements.length > 0)
    headers.append('sec-websocket-extensions', formatNamedExtensions(extensionElements));
  for (const [name, value] of extraHeaders) headers.append(asciiLowerCase(name), value);
  const block = toHeaderBlock(
    {
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': scheme,
      ':path': path,
      ':authority': options.authority,
    },
    headers,
  );
  return {
    headers: block,
    validateResponse(init) {
      const read = readHeaderBlock(init, CLIENT_SIDE_STATUS);
      const fallback = { version: '2', status: 0, reason: '', headers: new HeaderList() };
      if (read instanceof HandshakeError) return { ok: false, error: read, response: fallback };
      const statusText = read.pseudo.get(':status') ?? '';
      const status = statusText.length === 3 ? Number(statusText) : Number.NaN;
      const response = {
        version: '2',
        status: Number.isInteger(status) ? status : 0,
        reason: '',
        headers: read.headers,
      };
      if (!Number.isInteger(status) || status < 100) {
        const error = new HandshakeError(
          'WS_HANDSHAKE_ERR_INVALID_STATUS_LINE',
          'The :status pseudo-header is invalid',
          CLIENT_SIDE_STATUS,
        );
        return { ok: false, error, response };
      }
      // Any 2xx to a CONNECT opens the tunnel (RFC 9110 §9.3.6); servers send 200 (RFC 8441 §5).
      if (status < 200 || status > 299) {
        const error = new HandshakeError(
          'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
          `The server answered ${status} instead of 200`,
          CLIENT_SIDE_STATUS,
        );
        return { ok: false, error, response };
      }
      const agreement = validateAgreement(read.headers, offer);
      if (agreement instanceof HandshakeError) return { ok: false, error: agreement, response };
      return { ok: true, protocol: agreement.protocol, extensions: agreement.extensions, response };
    },
  };
}

function rejectHttp2(error: HandshakeError): Http2ServerHandshakeResult {
  const headers: Http2Headers = Object.create(null);
  headers[':status'] = String(error.status);
  if (error.status === 405) headers.allow = 'CONNECT';
  if (error.code === 'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION') {
    headers['sec-websocket-version'] = String(WEBSOCKET_VERSION);
  }
  return { ok: false, error, headers };
}

/** Validates the RFC 8441 §4–5 requirements; returns the request view or the error. */
function validateHttp2Request(init: Http2HeadersInit): RequestHead | HandshakeError {
  const read = readHeaderBlock(init);
  if (read instanceof HandshakeError) return read;
  const { pseudo, headers } = read;
  if (pseudo.get(':method') !== 'CONNECT') {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED',
      'A WebSocket over HTTP/2 starts with CONNECT',
    );
  }
  const invalid = (message: string) => new HandshakeError('WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER', message);
  if (pseudo.get(':protocol') !== 'websocket') return invalid(':protocol must be websocket');
  const scheme = pseudo.get(':scheme');
  if (scheme !== 'https' && scheme !== 'http') return invalid(':scheme must be https or http');
  const path = pseudo.get(':path') ?? '';
  if (!path.startsWith('/') || path.includes(' '))
    return invalid(':path must be the path and query of the URI');
  if (!isValidHost(pseudo.get(':authority') ?? ''))
    return invalid(':authority must be the authority of the URI');
  if (!hasSupportedVersion(headers)) {
    return new HandshakeError(
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
      `sec-websocket-version must be ${WEBSOCKET_VERSION}`,
      400,
    );
  }
  return { method: 'CONNECT', target: path, version: '2', headers };
}

/**
 * Validates an RFC 8441 extended CONNECT request (`:method` CONNECT, `:protocol` websocket,
 * `:scheme`, `:path`, `:authority`, `sec-websocket-version: 13`), selects a subprotocol and
 * negotiates extensions like {@link acceptServerHandshake}, and returns the response header block:
 * `:status: 200` with the agreement, or the rejection (405 with `allow: CONNECT`; 400, with
 * `sec-websocket-version: 13` for a version mismatch, since HTTP/2 has no 426). Peer errors are
 * returned; misuse of `options` throws `TypeError`.
 */
export function acceptHttp2ServerHandshake(
  headers: Http2HeadersInit,
  options: ServerHandshakeOptions = {},
): Http2ServerHandshakeResult {
  const extraHeaders = checkServerOptions(options);
  const request = validateHttp2Request(headers);
  if (request instanceof HandshakeError) return rejectHttp2(request);
  const agreement = negotiate(request, options);
  if (agreement instanceof HandshakeError) return rejectHttp2(agreement);
  const response = new HeaderList();
  appendAgreement(response, agreement, true);
  if (extraHeaders !== undefined)
    for (const [name, value] of extraHeaders) response.append(asciiLowerCase(name), value);
  return {
    ok: true,
    protocol: agreement.protocol,
    extensions: agreement.extensions,
    headers: toHeaderBlock({ ':status': '200' }, response),
  };
}
