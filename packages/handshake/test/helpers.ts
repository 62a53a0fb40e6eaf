import {
  type HeadKind,
  type HeadLimits,
  type HeadParseResult,
  HeadParser,
  type RequestHead,
  type ResponseHead,
} from '@wskit/handshake';

/** `text` as bytes, one byte per char (ISO-8859-1), so tests can write any byte as `\x..`. */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** `data` as a string, one char per byte. */
export function latin1(data: Uint8Array): string {
  let out = '';
  for (const byte of data) out += String.fromCharCode(byte);
  return out;
}

/** Lines joined with CRLF and the empty line that ends a head. */
export function head(...lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A random source that fills arrays with the given bytes (for the RFC 6455 §1.3 key). */
export function fixedRandom(nonce: Uint8Array) {
  return <T extends Uint8Array>(array: T): T => {
    array.set(nonce.subarray(0, array.length));
    return array;
  };
}

/** The RFC 6455 §1.3 nonce, whose base64 is `dGhlIHNhbXBsZSBub25jZQ==`. */
export const SAMPLE_NONCE = bytes('the sample nonce');

/** Feeds `data` to a fresh parser in pieces cut at `cuts` (sorted offsets), returning the final result. */
export function parseInPieces<Kind extends HeadKind>(
  kind: Kind,
  data: Uint8Array,
  cuts: readonly number[],
  limits?: Partial<HeadLimits>,
): { result: HeadParseResult<Kind extends 'request' ? RequestHead : ResponseHead>; rest: Uint8Array } {
  const parser = new HeadParser(kind, limits);
  const points = [...new Set([0, ...cuts.filter((cut) => cut > 0 && cut < data.length), data.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 0; i + 1 < points.length; i++) {
    const piece = data.subarray(points[i], points[i + 1]);
    const result = parser.write(piece);
    if (result.done) {
      const rest = result.ok ? concat(result.rest, data.subarray(points[i + 1])) : new Uint8Array(0);
      return { result: result as never, rest };
    }
  }
  return { result: { done: false } as never, rest: new Uint8Array(0) };
}

/** One request or response, parsed whole. */
export function parse<Kind extends HeadKind>(
  kind: Kind,
  data: string | Uint8Array,
  limits?: Partial<HeadLimits>,
) {
  const parser = new HeadParser(kind, limits);
  return parser.write(typeof data === 'string' ? bytes(data) : data);
}

/** A parsed request head, failing the test if the bytes are not one. */
export function requestHead(text: string): RequestHead {
  const result = parse('request', text);
  if (!result.done || !result.ok) throw new Error(`not a request head: ${JSON.stringify(result)}`);
  return result.head;
}

/** A parsed response head, failing the test if the bytes are not one. */
export function responseHead(data: string | Uint8Array): ResponseHead {
  const result = parse('response', data);
  if (!result.done || !result.ok) throw new Error(`not a response head: ${JSON.stringify(result)}`);
  return result.head;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The RFC 6455 §1.3 opening handshake request. */
export const RFC_REQUEST = head(
  'GET /chat HTTP/1.1',
  'Host: server.example.com',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Origin: http://example.com',
  'Sec-WebSocket-Protocol: chat, superchat',
  'Sec-WebSocket-Version: 13',
);

/** A minimal valid request with the RFC key and the given extra header lines. */
export function validRequest(...extra: string[]): string {
  return head(
    'GET /chat HTTP/1.1',
    'Host: server.example.com',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...extra,
  );
}
