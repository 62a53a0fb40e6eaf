/**
 * Steps of the WHATWG WebSockets standard (https://websockets.spec.whatwg.org/) and the WebIDL
 * conversions they run, shared by `StandardWebSocket` and `WebSocketStream`.
 */
import { MAX_CLOSE_REASON_BYTES } from '@wskit/codec';
import { parseWebSocketUrl } from './websocket-url.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const textEncoder = new TextEncoder();

/** WebIDL `DOMString`: `ToString`, which throws `TypeError` for a symbol. */
export function toDOMString(value: unknown): string {
  if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol to a string');
  return String(value);
}

/**
 * WebIDL `(DOMString or sequence<DOMString>) protocols = []`: `undefined` is the empty list, an
 * iterable object a sequence, anything else (`null` too) one string (`null` becomes `"null"`).
 */
export function toProtocolList(protocols: unknown): string[] {
  if (protocols === undefined) return [];
  if (
    (typeof protocols === 'object' || typeof protocols === 'function') &&
    protocols !== null &&
    typeof (protocols as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  ) {
    return Array.from(protocols as Iterable<unknown>, toDOMString);
  }
  return [toDOMString(protocols)];
}

/**
 * The constructor's check of the subprotocols (WebSocket constructor step 6, WebSocketStream
 * constructor step 4): no duplicates (compared ASCII case-insensitively), each a `token` of RFC 6455
 * §4.1. Throws a `SyntaxError` `DOMException`.
 */
export function checkProtocols(list: readonly string[]): void {
  if (new Set(list.map((protocol) => protocol.toLowerCase())).size !== list.length)
    throw domError('Duplicate subprotocol in the list', 'SyntaxError');
  for (const protocol of list) {
    if (!TOKEN.test(protocol)) throw domError(`Invalid subprotocol: ${protocol}`, 'SyntaxError');
  }
}

/**
 * "Get a URL record": parses `input` against the global `location` (where there is one), turns
 * `http`/`https` into `ws`/`wss`, and refuses other schemes and fragments with a `SyntaxError`
 * `DOMException`. The parsing is `parseWebSocketUrl`'s, the one URL parser of every client.
 */
export function urlRecord(input: unknown): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const parsed = parseWebSocketUrl(toDOMString(input), { base, whatwg: true });
  if (!parsed.ok) throw domError(parsed.message, 'SyntaxError');
  return parsed.target.url;
}

/** WebIDL `[Clamp] unsigned short`: clamped to 0–65535, rounded half to even. */
export function clampUnsignedShort(value: unknown): number {
  const number = Number(value);
  if (Number.isNaN(number)) return 0;
  const clamped = Math.min(Math.max(number, 0), 65535);
  const floor = Math.floor(clamped);
  const fraction = clamped - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** WebIDL `[EnforceRange] unsigned short`: truncated; `TypeError` when not finite or outside 0–65535. */
export function enforceUnsignedShort(value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number))
    throw new TypeError(`The close code must be a finite number, not ${String(value)}`);
  const integer = Math.trunc(number);
  if (integer < 0 || integer > 65535) throw new TypeError(`The close code must be 0–65535, not ${integer}`);
  return integer;
}

/**
 * "Validate close code and reason": `code` must be 1000 or 3000–4999 (else an `InvalidAccessError`
 * `DOMException`), `reason` at most 123 bytes of UTF-8 (else a `SyntaxError`). Returns the code to
 * send: 1000 when only a reason was given, `undefined` for none.
 */
export function validateCloseCodeAndReason(code: number | undefined, reason: string): number | undefined {
  if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
    throw domError(`The close code must be 1000 or 3000–4999, not ${code}`, 'InvalidAccessError');
  }
  if (textEncoder.encode(reason).length > MAX_CLOSE_REASON_BYTES) {
    throw domError('The close reason must be at most 123 bytes of UTF-8', 'SyntaxError');
  }
  return code === undefined && reason !== '' ? 1000 : code;
}

/** Makes the accessors and methods `names` of a prototype enumerable, as WebIDL defines members. */
export function enumerableMembers(prototype: object, names: readonly PropertyKey[]): void {
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    if (descriptor === undefined) throw new TypeError(`No member ${String(name)} to make enumerable`);
    Object.defineProperty(prototype, name, { ...descriptor, enumerable: true });
  }
}

/**
 * Defines WebIDL constants on an interface object and its prototype: enumerable, not writable, not
 * configurable.
 */
export function defineConstants(
  target: { prototype: object },
  constants: Readonly<Record<string, number>>,
): void {
  for (const [name, value] of Object.entries(constants)) {
    const attributes = { value, enumerable: true, writable: false, configurable: false };
    Object.defineProperty(target, name, attributes);
    Object.defineProperty(target.prototype, name, attributes);
  }
}

/** A `DOMException` with `name`, or an `Error` so named where the runtime has no `DOMException`. */
export function domError(message: string, name: string): Error {
  const DOMExceptionClass = (globalThis as { DOMException?: new (message: string, name: string) => Error })
    .DOMException;
  if (typeof DOMExceptionClass === 'function') return new DOMExceptionClass(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}
