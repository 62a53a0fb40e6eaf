/**
 * The opening handshake of websocket.dll (RFC 6455 §4): the headers the client adds to its request
 * and the checks of the server's response; the checks of a request and the headers of the server's
 * `101` response. HTTP itself (the request line, the status, redirects) stays the caller's, as in
 * websocket.dll. Built on `@wskit/handshake`'s header list, key and accept functions.
 */
import {
  computeAccept,
  type Extension,
  generateKey,
  HeaderList,
  isValidKey,
  parseExtensions,
  WEBSOCKET_VERSION,
} from '@wskit/handshake';
import {
  E_INVALID_PROTOCOL_FORMAT,
  E_INVALIDARG,
  E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
  E_PROTOCOL_VERSION_NOT_SUPPORTED,
  E_SUBPROTOCOL_NOT_SUPPORTED,
} from './constants.js';
import type { WEB_SOCKET_HTTP_HEADER } from './types.js';

/** What a client offered, kept from the Begin call for the End call. */
export interface ClientOffer {
  /** `Sec-WebSocket-Accept` the server must answer with. */
  readonly accept: string;
  readonly subprotocols: readonly string[];
  /** The extension names of the offered entries, lower-cased, by index. */
  readonly extensionNames: readonly string[];
}

/** The headers a handshake step produced (the library-owned output array). */
export type HeaderArray = readonly WEB_SOCKET_HTTP_HEADER[];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function header(name: string, value: string): WEB_SOCKET_HTTP_HEADER {
  return Object.freeze({ name, value });
}

/** Whether `value` is an array of distinct tokens (subprotocol names, RFC 6455 §4.1 item 10). */
function isTokenList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.every((item) => typeof item === 'string' && TOKEN.test(item)) &&
    new Set(value).size === value.length
  );
}

/** Each entry one extension with its parameters (`permessage-deflate; client_max_window_bits`), or `undefined`. */
function parseExtensionEntries(entries: unknown): Extension[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const parsed: Extension[] = [];
  for (const entry of entries) {
    const elements = typeof entry === 'string' ? parseExtensions(entry) : null;
    if (elements === null || elements.length !== 1) return undefined;
    parsed.push(elements[0]!);
  }
  return parsed;
}

/**
 * Reads `WEB_SOCKET_HTTP_HEADER`s into a header list. A broken structure (not strings, a ':' in a
 * name, a char above U+00FF) is the caller's mistake: `E_INVALIDARG`. Anything else a header list
 * refuses (a name that is not a token, CR or LF in a value) is `invalidContent`: `E_INVALIDARG` for
 * the caller's own headers, `E_INVALID_PROTOCOL_FORMAT` for the peer's.
 */
export function readHeaders(headers: unknown, invalidContent: number): HeaderList | number {
  if (!Array.isArray(headers)) return E_INVALIDARG;
  const list = new HeaderList();
  for (const item of headers as readonly WEB_SOCKET_HTTP_HEADER[]) {
    const name = item?.name;
    const value = item?.value;
    if (typeof name !== 'string' || typeof value !== 'string' || name.length === 0) return E_INVALIDARG;
    if (name.includes(':') || !isLatin1(name) || !isLatin1(value)) return E_INVALIDARG;
    try {
      list.append(name, value);
    } catch {
      return invalidContent;
    }
  }
  return list;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * `WebSocketBeginClientHandshake`: checks the offer and returns the request headers to add:
 * `Connection: Upgrade`, `Upgrade: websocket`, a fresh `Sec-WebSocket-Key`, `Sec-WebSocket-Version:
 * 13`, and `Sec-WebSocket-Protocol` / `Sec-WebSocket-Extensions` when offered (RFC 6455 §4.1).
 * `Host` is not required among the initial headers (.NET passes none, and Windows accepts that).
 */
export function beginClientHandshake(
  subprotocols: unknown,
  extensions: unknown,
  initialHeaders: unknown,
): { hr: number; headers?: HeaderArray; offer?: ClientOffer } {
  const offeredProtocols = subprotocols ?? [];
  const offeredExtensions = parseExtensionEntries(extensions ?? []);
  if (!isTokenList(offeredProtocols) || offeredExtensions === undefined) return { hr: E_INVALIDARG };
  const initial = readHeaders(initialHeaders ?? [], E_INVALIDARG);
  if (typeof initial === 'number') return { hr: initial };
  const key = generateKey();
  const headers = [
    header('Connection', 'Upgrade'),
    header('Upgrade', 'websocket'),
    header('Sec-WebSocket-Key', key),
    header('Sec-WebSocket-Version', String(WEBSOCKET_VERSION)),
  ];
  if (offeredProtocols.length > 0) {
    headers.push(header('Sec-WebSocket-Protocol', offeredProtocols.join(', ')));
  }
  if (offeredExtensions.length > 0) {
    headers.push(header('Sec-WebSocket-Extensions', (extensions as string[]).join(', ')));
  }
  const offer: ClientOffer = {
    accept: computeAccept(key),
    subprotocols: [...offeredProtocols],
    extensionNames: offeredExtensions.map((extension) => extension.name.toLowerCase()),
  };
  return { hr: 0, headers: Object.freeze(headers), offer };
}

/**
 * `WebSocketEndClientHandshake`: checks the response headers (the caller checked the status, 101):
 * `Upgrade: websocket`, `Connection: Upgrade`, the `Sec-WebSocket-Accept` of our key
 * (`E_INVALID_PROTOCOL_FORMAT`); a subprotocol we offered (`E_SUBPROTOCOL_NOT_SUPPORTED`);
 * extensions we offered (`E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED`). Returns their indexes.
 */
export function endClientHandshake(
  offer: ClientOffer,
  responseHeaders: unknown,
): { hr: number; selectedExtensions: number[]; selectedSubprotocol: number | undefined } {
  const fail = (hr: number) => ({ hr, selectedExtensions: [], selectedSubprotocol: undefined });
  const headers = readHeaders(responseHeaders, E_INVALID_PROTOCOL_FORMAT);
  if (typeof headers === 'number') return fail(headers);
  if (
    !headers.hasToken('upgrade', 'websocket', { protocols: true }) ||
    !headers.hasToken('connection', 'upgrade')
  ) {
    return fail(E_INVALID_PROTOCOL_FORMAT);
  }
  const accepts = headers.getAll('sec-websocket-accept');
  if (accepts.length !== 1 || accepts[0] !== offer.accept) return fail(E_INVALID_PROTOCOL_FORMAT);

  let selectedSubprotocol: number | undefined;
  const protocols = headers.getAll('sec-websocket-protocol');
  if (protocols.length > 0) {
    const index = protocols.length === 1 ? offer.subprotocols.indexOf(protocols[0]!) : -1;
    if (index < 0) return fail(E_SUBPROTOCOL_NOT_SUPPORTED);
    selectedSubprotocol = index;
  }

  const selectedExtensions: number[] = [];
  const extensionValues = headers.getAll('sec-websocket-extensions');
  if (extensionValues.length > 0) {
    const accepted = parseExtensions(extensionValues);
    if (accepted === null || accepted.length === 0) return fail(E_INVALID_PROTOCOL_FORMAT);
    for (const extension of accepted) {
      const name = extension.name.toLowerCase();
      const index = offer.extensionNames.findIndex(
        (offered, at) => offered === name && !selectedExtensions.includes(at),
      );
      if (index < 0) return fail(E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
      selectedExtensions.push(index);
    }
  }
  return { hr: 0, selectedExtensions, selectedSubprotocol };
}

/**
 * `WebSocketBeginServerHandshake`: checks the request headers (`Upgrade: websocket`, `Connection:
 * Upgrade`, one `Host`, which may be empty, one `Sec-WebSocket-Key` of 16 bytes:
 * `E_INVALID_PROTOCOL_FORMAT`; `Sec-WebSocket-Version: 13`: `E_PROTOCOL_VERSION_NOT_SUPPORTED`) and
 * returns the headers of the `101` response with the caller's selected subprotocol and extensions
 * (RFC 6455 §4.2.1, §4.2.2).
 */
export function beginServerHandshake(
  subprotocolSelected: unknown,
  extensionsSelected: unknown,
  requestHeaders: unknown,
): { hr: number; headers?: HeaderArray } {
  if (subprotocolSelected !== undefined && subprotocolSelected !== null) {
    if (typeof subprotocolSelected !== 'string' || !TOKEN.test(subprotocolSelected))
      return { hr: E_INVALIDARG };
  }
  const extensions = extensionsSelected ?? [];
  if (parseExtensionEntries(extensions) === undefined) return { hr: E_INVALIDARG };
  const headers = readHeaders(requestHeaders, E_INVALID_PROTOCOL_FORMAT);
  if (typeof headers === 'number') return { hr: headers };
  if (
    !headers.hasToken('upgrade', 'websocket', { protocols: true }) ||
    !headers.hasToken('connection', 'upgrade') ||
    headers.count('host') !== 1
  ) {
    return { hr: E_INVALID_PROTOCOL_FORMAT };
  }
  const versions = headers.getAll('sec-websocket-version');
  if (versions.length !== 1) return { hr: E_INVALID_PROTOCOL_FORMAT };
  if (versions[0] !== String(WEBSOCKET_VERSION)) return { hr: E_PROTOCOL_VERSION_NOT_SUPPORTED };
  const keys = headers.getAll('sec-websocket-key');
  if (keys.length !== 1 || !isValidKey(keys[0]!)) return { hr: E_INVALID_PROTOCOL_FORMAT };

  const response = [
    header('Connection', 'Upgrade'),
    header('Upgrade', 'websocket'),
    header('Sec-WebSocket-Accept', computeAccept(keys[0]!)),
  ];
  if (typeof subprotocolSelected === 'string')
    response.push(header('Sec-WebSocket-Protocol', subprotocolSelected));
  if ((extensions as string[]).length > 0) {
    response.push(header('Sec-WebSocket-Extensions', (extensions as string[]).join(', ')));
  }
  return { hr: 0, headers: Object.freeze(response) };
}
