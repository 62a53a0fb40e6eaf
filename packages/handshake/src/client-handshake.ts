import { acceptOfValidKey, generateKey, type RandomSource } from './accept.js';
import { WEBSOCKET_VERSION } from './constants.js';
import { CLIENT_SIDE_STATUS, HandshakeError, type HandshakeErrorCode } from './errors.js';
import {
  type ClientExtensionNegotiator,
  type ClientOffers,
  collectOffers,
  validateClientExtensions,
} from './extension-negotiation.js';
import { type Extension, formatNamedExtensions, parseExtensionValues } from './extensions.js';
import type { RequestHead, ResponseHead } from './head-parser.js';
import { type HeaderInit, HeaderList, isHeaderList } from './header-list.js';
import {
  asciiLowerCase,
  isFieldValue,
  isHttp11OrLater,
  isToken,
  isValidHost,
  isVisibleAscii,
} from './http-grammar.js';
import { encodeHead } from './serialize.js';

/** What the client side asks for. */
export interface ClientHandshakeOptions {
  /**
   * The `Host` value: the authority of the WebSocket URI, with the port when not the default, e.g.
   * `example.com` or `example.com:8080` (`new URL(url).host` gives exactly this).
   */
  readonly host: string;
  /** The request target: path and query of the URI, e.g. `/chat?room=1`; default `/`. */
  readonly path?: string;
  /** The `Origin` to send, e.g. `https://example.com` (RFC 6455 §4.1, item 8; RFC 6454). */
  readonly origin?: string;
  /** The subprotocols to offer, most preferred first: distinct tokens (RFC 6455 §4.1, item 10). */
  readonly protocols?: readonly string[];
  /** The extensions to offer; each is asked for its offers and, later, about the server's answer. */
  readonly extensions?: readonly ClientExtensionNegotiator[];
  /**
   * Extra request headers (`Authorization`, `Cookie`, `User-Agent`, …). The handshake's own headers,
   * `Origin` (use the option) and body headers may not be set here; a name or value that would inject
   * a header throws `TypeError`.
   */
  readonly headers?: HeaderInit;
  /** The random source for the key; default `crypto.getRandomValues`. */
  readonly random?: RandomSource;
}

/** A request the client side built: the head and the bytes to write to the socket. */
export interface HandshakeRequest extends RequestHead {
  /** The whole request head, ready to write. */
  readonly bytes: Uint8Array;
}

/**
 * The outcome of validating the server's response: what was agreed, or the error with the response
 * itself (for a status other than 101, read `response.status` and `response.headers`, e.g.
 * `Location` for a redirect or `WWW-Authenticate` for a 401).
 */
export type ClientHandshakeResult =
  | {
      /** The response accepts the handshake: the connection is open. */
      readonly ok: true;
      /** The subprotocol the server selected, or `null`. */
      readonly protocol: string | null;
      /** The extensions in use with the server's parameters, in the order they apply. */
      readonly extensions: Extension[];
      /** The server's response. */
      readonly response: ResponseHead;
    }
  | {
      /** The response refuses the handshake or breaks RFC 6455 §4.1: fail the connection. */
      readonly ok: false;
      /** Why the connection must fail; its status is 502. */
      readonly error: HandshakeError;
      /** The server's response. */
      readonly response: ResponseHead;
    };

/** A client handshake in progress: the request to send and the validator of the response. */
export interface ClientHandshake {
  /** The `Sec-WebSocket-Key` sent. */
  readonly key: string;
  /** The request to send. */
  readonly request: HandshakeRequest;
  /** Checks the server's response head (from a {@link HeadParser} of kind `'response'`). */
  validateResponse(response: ResponseHead): ClientHandshakeResult;
}

/** Headers the caller may not set on the request: the handshake sets them. */
const RESERVED_REQUEST_HEADERS = new Set([
  'host',
  'upgrade',
  'connection',
  'origin',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'content-length',
  'transfer-encoding',
]);

/** What the client offered, kept to check the server's answer against. */
export interface ClientOffer {
  readonly protocols: readonly string[];
  readonly extensions: ReadonlyMap<string, ClientOffers>;
}

/** Checks the shared options for misuse (throws) and collects the offers. */
export function prepareClientOffer(
  options: Pick<ClientHandshakeOptions, 'protocols' | 'extensions' | 'headers' | 'origin'>,
  reserved: ReadonlySet<string> = RESERVED_REQUEST_HEADERS,
): { offer: ClientOffer; extensionElements: Extension[]; extraHeaders: HeaderList } {
  const protocols = options.protocols ?? [];
  if (
    !Array.isArray(protocols) ||
    !protocols.every((protocol) => typeof protocol === 'string' && isToken(protocol))
  ) {
    throw new TypeError('protocols must be an array of tokens (RFC 6455 §4.1)');
  }
  if (new Set(protocols).size !== protocols.length)
    throw new TypeError('protocols must be distinct (RFC 6455 §4.1)');
  if (options.origin !== undefined && (typeof options.origin !== 'string' || !isFieldValue(options.origin))) {
    throw new TypeError('origin must be a string without control characters');
  }
  if (options.extensions !== undefined && !Array.isArray(options.extensions)) {
    throw new TypeError('extensions must be an array of negotiators');
  }
  const { elements, byName } = collectOffers(options.extensions ?? []);
  const extraHeaders = new HeaderList(options.headers);
  for (const name of extraHeaders.names()) {
    if (reserved.has(name))
      throw new TypeError(`The ${name} header is set by the handshake and cannot be passed in headers`);
  }
  return { offer: { protocols, extensions: byName }, extensionElements: elements, extraHeaders };
}

function clientError(code: HandshakeErrorCode, message: string): HandshakeError {
  return new HandshakeError(code, message, CLIENT_SIDE_STATUS);
}

/**
 * Checks the subprotocol and extensions of a successful response against the offer (RFC 6455 §4.1,
 * items 5 and 6).
 */
export function validateAgreement(
  headers: HeaderList,
  offer: ClientOffer,
): { protocol: string | null; extensions: Extension[] } | HandshakeError {
  let protocol: string | null = null;
  const protocols = headers.getAll('sec-websocket-protocol');
  if (protocols.length > 0) {
    if (protocols.length !== 1 || !isToken(protocols[0]!)) {
      return clientError(
        'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
        'The server must select exactly one subprotocol',
      );
    }
    protocol = protocols[0]!;
    if (!offer.protocols.includes(protocol)) {
      return clientError(
        'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
        'The server selected a subprotocol not offered',
      );
    }
  }
  let extensions: Extension[] = [];
  const extensionValues = headers.getAll('sec-websocket-extensions');
  if (extensionValues.length > 0) {
    const parsed = parseExtensionValues(extensionValues);
    if (parsed === null || parsed.length === 0) {
      return clientError(
        'WS_HANDSHAKE_ERR_INVALID_EXTENSIONS',
        'Sec-WebSocket-Extensions does not follow RFC 6455 §9.1',
      );
    }
    const checked = validateClientExtensions(parsed, offer.extensions);
    if (typeof checked === 'string') return clientError('WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION', checked);
    extensions = checked;
  }
  return { protocol, extensions };
}

function validateResponse(response: ResponseHead, accept: string, offer: ClientOffer): ClientHandshakeResult {
  if (!response || !isHeaderList(response.headers)) {
    throw new TypeError('validateResponse: response must be a ResponseHead with a HeaderList');
  }
  const agreement = checkResponse(response, accept, offer);
  return agreement instanceof HandshakeError
    ? { ok: false, error: agreement, response }
    : { ok: true, ...agreement, response };
}

/** The checks of RFC 6455 §4.1 on a response: the agreement, or why the connection must fail. */
function checkResponse(
  response: ResponseHead,
  accept: string,
  offer: ClientOffer,
): { protocol: string | null; extensions: Extension[] } | HandshakeError {
  const { headers } = response;
  if (response.status !== 101) {
    return clientError(
      'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
      `The server answered ${response.status} instead of 101`,
    );
  }
  if (!isHttp11OrLater(response.version)) {
    return clientError('WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION', 'The response is not HTTP/1.1');
  }
  const upgrade = headers.getTokens('upgrade', { protocols: true });
  if (upgrade === null || upgrade.length !== 1 || asciiLowerCase(upgrade[0]!) !== 'websocket') {
    return clientError(
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
      'The Upgrade header of the response must be websocket',
    );
  }
  if (!headers.hasToken('connection', 'upgrade')) {
    return clientError(
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
      'The Connection header of the response must include Upgrade',
    );
  }
  const accepts = headers.getAll('sec-websocket-accept');
  if (accepts.length !== 1 || accepts[0] !== accept) {
    return clientError(
      'WS_HANDSHAKE_ERR_INVALID_ACCEPT',
      'Sec-WebSocket-Accept is missing or does not match the key',
    );
  }
  return validateAgreement(headers, offer);
}

/**
 * Starts the client side of an HTTP/1.1 opening handshake (RFC 6455 §4.1): builds the request
 * (`GET`, `Host`, `Upgrade: websocket`, `Connection: Upgrade`, a fresh `Sec-WebSocket-Key`,
 * `Sec-WebSocket-Version: 13`, and the optional `Origin`, subprotocols, extension offers and extra
 * headers) and returns it with a validator for the server's response.
 *
 * Misuse (an invalid host or path, a header that would inject another, a reserved header, a
 * subprotocol that is not a token) throws `TypeError`.
 */
export function createClientHandshake(options: ClientHandshakeOptions): ClientHandshake {
  if (typeof options?.host !== 'string' || !isValidHost(options.host)) {
    throw new TypeError('createClientHandshake: host must be an authority such as example.com:8080');
  }
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || !isVisibleAscii(path)) {
    throw new TypeError(
      'createClientHandshake: path must start with / and be visible ASCII (percent-encode the rest)',
    );
  }
  const { offer, extensionElements, extraHeaders } = prepareClientOffer(options);
  const key = generateKey(options.random);
  const headers = new HeaderList([
    ['Host', options.host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', key],
    ['Sec-WebSocket-Version', `${WEBSOCKET_VERSION}`],
  ]);
  if (options.origin !== undefined) headers.append('Origin', options.origin);
  if (offer.protocols.length > 0) headers.append('Sec-WebSocket-Protocol', offer.protocols.join(', '));
  if (extensionElements.length > 0)
    headers.append('Sec-WebSocket-Extensions', formatNamedExtensions(extensionElements));
  for (const [name, value] of extraHeaders) headers.append(name, value);
  // The method and version are constants and the path was checked: no need for serializeRequest.
  const bytes = encodeHead(`GET ${path} HTTP/1.1`, headers);
  // The key is 24 base64 chars, as a valid key: no need for computeAccept's checks.
  const accept = acceptOfValidKey(key);
  return {
    key,
    request: { method: 'GET', target: path, version: '1.1', headers, bytes },
    validateResponse: (response) => validateResponse(response, accept, offer),
  };
}
