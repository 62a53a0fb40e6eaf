/**
 * The parts of the server side shared by HTTP/1.1 (RFC 6455 §4.2) and HTTP/2 (RFC 8441 §5):
 * options, `Sec-WebSocket-Version`, subprotocol selection and extension negotiation. Internal.
 */
import { WEBSOCKET_VERSION } from './constants.js';
import { HandshakeError } from './errors.js';
import { negotiateServerExtensions, type ServerExtensionNegotiator } from './extension-negotiation.js';
import { type Extension, formatNamedExtensions, parseExtensionValues } from './extensions.js';
import type { RequestHead } from './head-parser.js';
import { fieldsOf, type HeaderInit, HeaderList } from './header-list.js';
import { isToken } from './http-grammar.js';

/** How the server side picks a subprotocol and negotiates extensions. */
export interface ServerHandshakeOptions {
  /**
   * The subprotocols this server speaks. The first one the client offered (in the client's order of
   * preference) that is in this list is selected. Use either this or {@link selectProtocol}.
   */
  readonly protocols?: readonly string[];
  /**
   * Picks the subprotocol from the client's offers (`Sec-WebSocket-Protocol`, in the client's
   * order): return one of `offered`, or `null`/`undefined` for none. Returning a value that was not
   * offered throws a `TypeError` (RFC 6455 §4.2.2 forbids it). Not called when nothing was offered.
   */
  readonly selectProtocol?: (offered: readonly string[], request: RequestHead) => string | null | undefined;
  /** The extensions this server supports, each asked about the client's offers for it. */
  readonly extensions?: readonly ServerExtensionNegotiator[];
  /**
   * Extra headers for the successful response (e.g. `Set-Cookie`). The handshake's own headers and
   * message framing headers may not be set here (`TypeError`).
   */
  readonly headers?: HeaderInit;
}

/** What the server agreed to. */
export interface ServerAgreement {
  readonly protocol: string | null;
  readonly extensions: Extension[];
}

/** Headers a caller may not set on a successful handshake response: the handshake sets them. */
const RESERVED_RESPONSE_HEADERS = new Set([
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'sec-websocket-version',
  'content-length',
  'transfer-encoding',
]);

/** Checks the options for misuse (throws) and returns the caller's extra response headers (`undefined`: none). */
export function checkServerOptions(options: ServerHandshakeOptions): HeaderList | undefined {
  if (options.protocols !== undefined) {
    if (
      !Array.isArray(options.protocols) ||
      !options.protocols.every((p) => typeof p === 'string' && isToken(p))
    ) {
      throw new TypeError('protocols must be an array of tokens (RFC 6455 §4.1)');
    }
    if (options.selectProtocol !== undefined)
      throw new TypeError('Pass either protocols or selectProtocol, not both');
  }
  if (options.selectProtocol !== undefined && typeof options.selectProtocol !== 'function') {
    throw new TypeError('selectProtocol must be a function');
  }
  if (options.extensions !== undefined && !Array.isArray(options.extensions)) {
    throw new TypeError('extensions must be an array of negotiators');
  }
  if (options.headers === undefined) return undefined;
  const headers = new HeaderList(options.headers);
  for (const name of headers.names()) {
    if (RESERVED_RESPONSE_HEADERS.has(name)) {
      throw new TypeError(`The ${name} header is set by the handshake and cannot be passed in headers`);
    }
  }
  return headers;
}

/** Whether the request carries exactly one `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.1, item 6). */
export function hasSupportedVersion(headers: HeaderList): boolean {
  return onlyValue(headers, 'sec-websocket-version') === SUPPORTED_VERSION;
}

/** {@link WEBSOCKET_VERSION} as the header's value. */
const SUPPORTED_VERSION = String(WEBSOCKET_VERSION);

/*
 * Lookups for the server's checks of a request, read from the list's fields: `getAll`, `has` and
 * `hasToken` each make an array (or a closure) per call, and a handshake makes a dozen of them. A list
 * from a duplicated copy of this package, whose fields are not reachable from here, answers through
 * its methods.
 */

/** The value of the one field line named `lowerName` (lower-case); `undefined` when absent or repeated. */
export function onlyValue(headers: HeaderList, lowerName: string): string | undefined {
  if (!(headers instanceof HeaderList)) {
    const values = (headers as HeaderList).getAll(lowerName);
    return values.length === 1 ? values[0] : undefined;
  }
  // Indexed loops: `for…of` makes an iterator (and its results) until the code is optimized.
  const fields = fieldsOf(headers);
  let found: string | undefined;
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    if (field.lowerName !== lowerName) continue;
    if (found !== undefined) return undefined;
    found = field.value;
  }
  return found;
}

/** Whether a field line named `lowerName` (lower-case) is present. */
export function hasField(headers: HeaderList, lowerName: string): boolean {
  if (!(headers instanceof HeaderList)) return (headers as HeaderList).has(lowerName);
  const fields = fieldsOf(headers);
  for (let index = 0; index < fields.length; index++) if (fields[index]!.lowerName === lowerName) return true;
  return false;
}

/**
 * `headers.hasToken(lowerName, token, { protocols })`, answered without it in the usual case: one
 * field line that is the token in any ASCII case (`Upgrade: websocket`, `Connection: Upgrade`).
 * `token` is a lower-case token.
 */
export function hasToken(headers: HeaderList, lowerName: string, token: string, protocols = false): boolean {
  const only = onlyValue(headers, lowerName);
  if (only !== undefined && only.length === token.length) {
    let same = true;
    for (let index = 0; same && index < token.length; index++) {
      const code = only.charCodeAt(index);
      same = (code >= 0x41 && code <= 0x5a ? code + 0x20 : code) === token.charCodeAt(index);
    }
    if (same) return true;
  }
  return headers.hasToken(lowerName, token, protocols ? { protocols } : undefined);
}

/**
 * Reads the client's subprotocols and extension offers, then selects and negotiates.
 *
 * @returns the agreement, or the peer's error (400 for malformed headers).
 */
export function negotiate(
  request: RequestHead,
  options: ServerHandshakeOptions,
): ServerAgreement | HandshakeError {
  const headers = request.headers;
  let offeredProtocols: readonly string[] = NONE_OFFERED;
  if (hasField(headers, 'sec-websocket-protocol')) {
    const parsed = headers.getTokens('sec-websocket-protocol');
    if (parsed === null || parsed.length === 0) {
      return new HandshakeError(
        'WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL',
        'Sec-WebSocket-Protocol is not a list of tokens',
      );
    }
    offeredProtocols = parsed;
  }
  let offeredExtensions: readonly Extension[] = NONE_OFFERED as readonly Extension[];
  if (hasField(headers, 'sec-websocket-extensions')) {
    const parsed = parseExtensionValues(headers.getAll('sec-websocket-extensions'));
    if (parsed === null || parsed.length === 0) {
      return new HandshakeError(
        'WS_HANDSHAKE_ERR_INVALID_EXTENSIONS',
        'Sec-WebSocket-Extensions does not follow RFC 6455 §9.1',
      );
    }
    offeredExtensions = parsed;
  }
  const protocol = selectProtocol(offeredProtocols, request, options);
  const extensions = negotiateServerExtensions(offeredExtensions, options.extensions ?? NONE_OFFERED);
  return { protocol, extensions };
}

/** What a request offered when it offered nothing (read only): one empty list for every request. */
const NONE_OFFERED: readonly never[] = Object.freeze([]);

function selectProtocol(
  offered: readonly string[],
  request: RequestHead,
  options: ServerHandshakeOptions,
): string | null {
  if (offered.length === 0) return null;
  if (options.protocols) {
    const supported = new Set(options.protocols);
    return offered.find((protocol) => supported.has(protocol)) ?? null;
  }
  if (!options.selectProtocol) return null;
  const selected = options.selectProtocol(offered, request);
  if (selected === null || selected === undefined) return null;
  if (typeof selected !== 'string' || !offered.includes(selected)) {
    throw new TypeError('selectProtocol must return one of the offered subprotocols, null or undefined');
  }
  return selected;
}

/** Appends the agreement's `Sec-WebSocket-Protocol` and `Sec-WebSocket-Extensions` to `headers`. */
export function appendAgreement(headers: HeaderList, agreement: ServerAgreement, lowerCase = false): void {
  if (agreement.protocol !== null) {
    headers.append(lowerCase ? 'sec-websocket-protocol' : 'Sec-WebSocket-Protocol', agreement.protocol);
  }
  if (agreement.extensions.length > 0) {
    headers.append(
      lowerCase ? 'sec-websocket-extensions' : 'Sec-WebSocket-Extensions',
      formatNamedExtensions(agreement.extensions),
    );
  }
}
