import { REASON_PHRASES } from './constants.js';
import { fieldsOf, type HeaderInit, HeaderList } from './header-list.js';
import { isDigit, isFieldValue, isToken, isVisibleAscii, writeLatin1 } from './http-grammar.js';

/** A request head to serialize. */
export interface RequestHeadInit {
  /** The method token, e.g. `GET`. */
  readonly method: string;
  /** The request target, e.g. `/chat`: visible ASCII only. */
  readonly target: string;
  /** The version without `HTTP/`; default `1.1`. */
  readonly version?: string;
  /** The header fields, in order. */
  readonly headers?: HeaderInit;
}

/** A response head to serialize. */
export interface ResponseHeadInit {
  /** The three-digit status code. */
  readonly status: number;
  /** The reason phrase; default the standard one for `status` (or empty). */
  readonly reason?: string;
  /** The version without `HTTP/`; default `1.1`. */
  readonly version?: string;
  /** The header fields, in order. */
  readonly headers?: HeaderInit;
}

/** The standard reason phrase for `status`, or `''`. */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES.get(status) ?? '';
}

function checkVersion(version: string): void {
  if (
    typeof version !== 'string' ||
    version.length !== 3 ||
    version[1] !== '.' ||
    !isDigit(version.charCodeAt(0)) ||
    !isDigit(version.charCodeAt(2))
  ) {
    throw new TypeError('serialize: version must be DIGIT "." DIGIT, e.g. "1.1"');
  }
}

function toHeaderList(headers: HeaderInit | undefined): HeaderList {
  if (headers instanceof HeaderList) return headers;
  return new HeaderList(headers);
}

function newArray(size: number): Uint8Array {
  return new Uint8Array(size);
}

/**
 * The bytes of a head: `startLine`, one line per field of `headers`, the empty line, then `body`.
 * Every char must be ≤ U+00FF (a {@link HeaderList} checks its fields; the caller, the start line).
 *
 * @internal for the client handshake, whose request line needs none of {@link serializeRequest}'s checks,
 * and the server's responses, which take their memory from `allocate`.
 */
export function encodeHead(
  startLine: string,
  headers: HeaderList,
  body?: Uint8Array,
  allocate: (size: number) => Uint8Array = newArray,
): Uint8Array {
  const fields = fieldsOf(headers);
  let size = startLine.length + 2 + 2 + (body?.length ?? 0);
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    size += field.name.length + 2 + field.value.length + 2;
  }
  const bytes = allocate(size);
  let offset = writeLatin1(startLine, bytes, 0);
  bytes[offset++] = 0x0d;
  bytes[offset++] = 0x0a;
  for (let index = 0; index < fields.length; index++) {
    const field = fields[index]!;
    offset = writeLatin1(field.name, bytes, offset);
    bytes[offset++] = 0x3a;
    bytes[offset++] = 0x20;
    offset = writeLatin1(field.value, bytes, offset);
    bytes[offset++] = 0x0d;
    bytes[offset++] = 0x0a;
  }
  bytes[offset++] = 0x0d;
  bytes[offset++] = 0x0a;
  if (body) bytes.set(body, offset);
  return bytes;
}

/**
 * The bytes of an HTTP/1.x request head (RFC 9112 §3): request line, one line per field, empty
 * line. Throws `TypeError` for a method that is not a token, a target with spaces or controls, or
 * headers that a {@link HeaderList} refuses.
 */
export function serializeRequest(request: RequestHeadInit): Uint8Array {
  const { method, target, version = '1.1' } = request;
  if (typeof method !== 'string' || !isToken(method))
    throw new TypeError('serializeRequest: method must be a token');
  if (typeof target !== 'string' || !isVisibleAscii(target)) {
    throw new TypeError('serializeRequest: target must be non-empty visible ASCII (percent-encode the rest)');
  }
  checkVersion(version);
  return encodeHead(`${method} ${target} HTTP/${version}`, toHeaderList(request.headers));
}

/**
 * The bytes of an HTTP/1.x response head (RFC 9112 §4), followed by `body` when given (the caller
 * sets `Content-Length`). Throws `RangeError` for a status outside 100–999 and `TypeError` for a
 * reason phrase with control characters or headers that a {@link HeaderList} refuses.
 */
export function serializeResponse(response: ResponseHeadInit, body?: Uint8Array): Uint8Array {
  const { status, version = '1.1' } = response;
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError('serializeResponse: status must be an integer from 100 to 999');
  }
  const reason = response.reason ?? reasonPhrase(status);
  if (typeof reason !== 'string' || !isFieldValue(reason)) {
    throw new TypeError('serializeResponse: reason must hold no CR, LF or other control characters');
  }
  checkVersion(version);
  if (body !== undefined && !(body instanceof Uint8Array)) {
    throw new TypeError('serializeResponse: body must be a Uint8Array');
  }
  return encodeHead(`HTTP/${version} ${status} ${reason}`, toHeaderList(response.headers), body);
}
