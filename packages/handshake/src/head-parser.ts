import { CLIENT_SIDE_STATUS, HandshakeError, type HandshakeErrorCode } from './errors.js';
import { HeaderList } from './header-list.js';
import { decodeLatin1, isFieldValueChar, isTokenChar, isWhitespace } from './http-grammar.js';

/** Which head a {@link HeadParser} reads: a request (server side) or a response (client side). */
export type HeadKind = 'request' | 'response';

/** A parsed HTTP/1.x request head: request line and header fields (RFC 9112 §3, §5). */
export interface RequestHead {
  /** The method token, case-sensitive (RFC 9110 §9.1), e.g. `GET`. */
  readonly method: string;
  /** The request target as sent, e.g. `/chat?room=1` (RFC 9112 §3.2). */
  readonly target: string;
  /** The protocol version without `HTTP/`, e.g. `1.1`. */
  readonly version: string;
  /** The header fields, in order. */
  readonly headers: HeaderList;
}

/** A parsed HTTP/1.x response head: status line and header fields (RFC 9112 §4, §5). */
export interface ResponseHead {
  /** The protocol version without `HTTP/`, e.g. `1.1` (`2` for an HTTP/2 response). */
  readonly version: string;
  /** The three-digit status code, e.g. 101. */
  readonly status: number;
  /** The reason phrase as sent, possibly empty; carries no meaning (RFC 9112 §4). */
  readonly reason: string;
  /** The header fields, in order. */
  readonly headers: HeaderList;
}

/** The head type a {@link HeadParser} of kind `Kind` produces. */
export type HeadOf<Kind extends HeadKind> = Kind extends 'request' ? RequestHead : ResponseHead;

/** Size limits of a {@link HeadParser}. Exceeding one is a 414 or 431 error, never an allocation. */
export interface HeadLimits {
  /** The most bytes the head may take, its final empty line included. */
  readonly maxHeadSize: number;
  /** The most header field lines. */
  readonly maxHeaderCount: number;
  /** The most bytes in one line (request, status or field line), its CRLF excluded. */
  readonly maxLineLength: number;
}

/**
 * The default limits: a 16 KiB head, 100 header fields, 8 KiB lines (the defaults of common
 * servers; browsers' handshakes are well under 2 KiB).
 */
export const DefaultHeadLimits: Readonly<HeadLimits> = Object.freeze({
  maxHeadSize: 16 * 1024,
  maxHeaderCount: 100,
  maxLineLength: 8 * 1024,
});

/**
 * What one {@link HeadParser.write} call found: more bytes needed (`done: false`), the complete head
 * with the bytes that followed it (`ok: true`), or the peer's error (`ok: false`).
 */
export type HeadParseResult<Head> =
  | {
      /** The head is not complete yet: write the next chunk. Everything given so far is consumed. */
      readonly done: false;
    }
  | {
      /** The parser has finished: write nothing more to it. */
      readonly done: true;
      /** The head is complete and valid. */
      readonly ok: true;
      /** The parsed head. */
      readonly head: Head;
      /**
       * The bytes of the last chunk after the head (frames sent early, or a response body): a view
       * into that chunk, possibly empty. Hand them to the next layer; nothing is kept back.
       */
      readonly rest: Uint8Array;
    }
  | {
      /** The parser has finished: write nothing more to it. */
      readonly done: true;
      /** The head is malformed or over a limit: answer `error.status` and close. */
      readonly ok: false;
      /** What is wrong, with the status to answer (400, 414, 431, 505; 502 for a response). */
      readonly error: HandshakeError;
    };

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;
const INCOMPLETE: HeadParseResult<never> = Object.freeze({ done: false });

/** The first capacity of the line buffer; it doubles up to `maxLineLength`. */
const INITIAL_LINE_CAPACITY = 256;

function checkLimit(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`HeadParser: ${name} must be a positive integer`);
  }
}

/**
 * An incremental HTTP/1.x head parser (RFC 9112): feed it bytes in any chunking, one byte at a time
 * or all at once, and it reports the head as soon as the empty line that ends it arrives, along with
 * the bytes after it. Each byte is looked at a constant number of times and memory is bounded by
 * `maxLineLength`; no regular expression is used.
 *
 * It is strict: lines end with CRLF (a bare CR or LF is an error), obsolete line folding, whitespace
 * before a colon, and control characters (NUL included) in values are rejected, each with the status
 * a server should answer. A request may be preceded by empty lines (RFC 9112 §2.2).
 */
export class HeadParser<Kind extends HeadKind = HeadKind> {
  /** Which head this parser reads. */
  readonly kind: Kind;
  /** The limits in force. */
  readonly limits: Readonly<HeadLimits>;
  #line = new Uint8Array(0);
  #lineLength = 0;
  #headSize = 0;
  #sawCR = false;
  #headerCount = 0;
  #startLine:
    | { method: string; target: string; version: string }
    | { version: string; status: number; reason: string }
    | undefined;
  #headers = new HeaderList();
  #finished = false;

  /**
   * @param kind `'request'` on the server side, `'response'` on the client side.
   * @param limits overrides of {@link DefaultHeadLimits}; an `undefined` field keeps the default.
   */
  constructor(kind: Kind, limits: Partial<HeadLimits> = {}) {
    if (kind !== 'request' && kind !== 'response') {
      throw new TypeError("HeadParser: kind must be 'request' or 'response'");
    }
    const merged: HeadLimits = {
      maxHeadSize: limits.maxHeadSize ?? DefaultHeadLimits.maxHeadSize,
      maxHeaderCount: limits.maxHeaderCount ?? DefaultHeadLimits.maxHeaderCount,
      maxLineLength: limits.maxLineLength ?? DefaultHeadLimits.maxLineLength,
    };
    checkLimit('maxHeadSize', merged.maxHeadSize);
    checkLimit('maxHeaderCount', merged.maxHeaderCount);
    checkLimit('maxLineLength', merged.maxLineLength);
    this.kind = kind;
    this.limits = Object.freeze(merged);
  }

  /**
   * Parses the next chunk. Returns `{ done: false }` while the head is incomplete; then once either
   * the head (with the rest of this chunk) or the peer's error. Never throws for the peer's bytes;
   * throws `TypeError` if called again after a `done` result.
   */
  write(chunk: Uint8Array): HeadParseResult<HeadOf<Kind>> {
    if (this.#finished) {
      throw new TypeError(
        'HeadParser.write: the head is already complete or failed; hand later bytes to the next layer',
      );
    }
    if (!(chunk instanceof Uint8Array)) throw new TypeError('HeadParser.write: chunk must be a Uint8Array');
    const { maxHeadSize, maxLineLength } = this.limits;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i]!;
      if (++this.#headSize > maxHeadSize) {
        return this.#fail('WS_HANDSHAKE_ERR_HEAD_TOO_LARGE', `The head is larger than ${maxHeadSize} bytes`);
      }
      if (this.#sawCR) {
        if (byte !== LF)
          return this.#fail('WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 'A CR is not followed by LF');
        this.#sawCR = false;
        const error = this.#completeLine();
        if (error) return this.#failWith(error);
        this.#lineLength = 0;
        if (this.#finished) {
          return {
            done: true,
            ok: true,
            head: this.#head(),
            rest: chunk.subarray(i + 1),
          };
        }
        continue;
      }
      if (byte === CR) {
        this.#sawCR = true;
        continue;
      }
      if (byte === LF)
        return this.#fail('WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 'An LF is not preceded by CR');
      if (this.#lineLength === maxLineLength) {
        return this.#startLine === undefined
          ? this.#fail(
              'WS_HANDSHAKE_ERR_START_LINE_TOO_LONG',
              `The start line is longer than ${maxLineLength} bytes`,
            )
          : this.#fail(
              'WS_HANDSHAKE_ERR_HEADER_LINE_TOO_LONG',
              `A header line is longer than ${maxLineLength} bytes`,
            );
      }
      if (this.#lineLength === this.#line.length) this.#growLine();
      this.#line[this.#lineLength++] = byte;
    }
    return INCOMPLETE;
  }

  /**
   * Tells the parser the stream ended. Returns the `WS_HANDSHAKE_ERR_INCOMPLETE_HEAD` error when the
   * head was not complete, `undefined` when it was (or had already failed).
   */
  end(): HandshakeError | undefined {
    if (this.#finished) return undefined;
    const result = this.#fail(
      'WS_HANDSHAKE_ERR_INCOMPLETE_HEAD',
      'The stream ended before the head was complete',
    );
    return result.ok ? undefined : result.error;
  }

  #growLine(): void {
    const capacity = Math.min(
      this.limits.maxLineLength,
      Math.max(INITIAL_LINE_CAPACITY, this.#line.length * 2),
    );
    const grown = new Uint8Array(capacity);
    grown.set(this.#line.subarray(0, this.#lineLength));
    this.#line = grown;
  }

  #head(): HeadOf<Kind> {
    return { ...this.#startLine!, headers: this.#headers } as unknown as HeadOf<Kind>;
  }

  /** The peer's error `code`: with the table's status on the server side, 502 on the client side. */
  #error(code: HandshakeErrorCode, message: string): HandshakeError {
    return new HandshakeError(code, message, this.kind === 'response' ? CLIENT_SIDE_STATUS : undefined);
  }

  #fail(code: HandshakeErrorCode, message: string): { done: true; ok: false; error: HandshakeError } {
    return this.#failWith(this.#error(code, message));
  }

  #failWith(error: HandshakeError): { done: true; ok: false; error: HandshakeError } {
    this.#finished = true;
    this.#line = new Uint8Array(0);
    return { done: true, ok: false, error };
  }

  /** Handles the complete line in the buffer; returns the peer's error, if any. */
  #completeLine(): HandshakeError | undefined {
    const line = this.#line;
    const length = this.#lineLength;
    if (this.#startLine === undefined) {
      const request = this.kind === 'request';
      if (length === 0 && request) return undefined; // RFC 9112 §2.2: ignore leading empty lines
      const parsed = request ? parseRequestLine(line, length) : parseStatusLine(line, length);
      if (parsed === undefined) {
        return request
          ? this.#error('WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 'The request line is malformed')
          : this.#error('WS_HANDSHAKE_ERR_INVALID_STATUS_LINE', 'The status line is malformed');
      }
      this.#startLine = parsed;
      return undefined;
    }
    if (length === 0) {
      this.#finished = true;
      this.#line = new Uint8Array(0);
      return undefined;
    }
    if (isWhitespace(line[0]!)) {
      return this.#error(
        'WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING',
        'A header line starts with whitespace (obsolete line folding)',
      );
    }
    if (++this.#headerCount > this.limits.maxHeaderCount) {
      return this.#error(
        'WS_HANDSHAKE_ERR_TOO_MANY_HEADERS',
        `The head has more than ${this.limits.maxHeaderCount} header fields`,
      );
    }
    let colon = 0;
    while (colon < length && isTokenChar(line[colon]!)) colon++;
    if (colon === 0 || colon === length || line[colon] !== COLON) {
      return this.#error(
        'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME',
        'A header name is empty, not a token, or followed by whitespace before the colon',
      );
    }
    let start = colon + 1;
    let end = length;
    while (start < end && isWhitespace(line[start]!)) start++;
    while (end > start && isWhitespace(line[end - 1]!)) end--;
    for (let i = start; i < end; i++) {
      if (!isFieldValueChar(line[i]!)) {
        return this.#error(
          'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
          'A header value holds NUL or another control character',
        );
      }
    }
    this.#headers.append(decodeLatin1(line, 0, colon), decodeLatin1(line, start, end));
    return undefined;
  }
}

/** Parses `HTTP/` DIGIT `.` DIGIT at `start` (RFC 9112 §2.3); returns e.g. `1.1`, or undefined. */
function parseVersion(line: Uint8Array, start: number, end: number): string | undefined {
  if (end - start !== 8) return undefined;
  // "HTTP/"
  if (line[start] !== 0x48 || line[start + 1] !== 0x54 || line[start + 2] !== 0x54) return undefined;
  if (line[start + 3] !== 0x50 || line[start + 4] !== 0x2f) return undefined;
  const major = line[start + 5]!;
  const minor = line[start + 7]!;
  if (major < 0x30 || major > 0x39 || line[start + 6] !== 0x2e || minor < 0x30 || minor > 0x39)
    return undefined;
  return `${major - 0x30}.${minor - 0x30}`;
}

/** `method SP request-target SP HTTP-version` (RFC 9112 §3), single spaces only. */
function parseRequestLine(
  line: Uint8Array,
  length: number,
): { method: string; target: string; version: string } | undefined {
  let i = 0;
  while (i < length && isTokenChar(line[i]!)) i++;
  if (i === 0 || line[i] !== SP) return undefined;
  const methodEnd = i;
  const targetStart = ++i;
  // The request target is a URI reference: visible ASCII only (RFC 3986 §2).
  while (i < length && line[i]! > SP && line[i]! < 0x7f) i++;
  if (i === targetStart || line[i] !== SP) return undefined;
  const targetEnd = i;
  const version = parseVersion(line, i + 1, length);
  if (version === undefined) return undefined;
  return {
    method: decodeLatin1(line, 0, methodEnd),
    target: decodeLatin1(line, targetStart, targetEnd),
    version,
  };
}

/** `HTTP-version SP status-code SP [reason-phrase]` (RFC 9112 §4); a missing final SP is tolerated. */
function parseStatusLine(
  line: Uint8Array,
  length: number,
): { version: string; status: number; reason: string } | undefined {
  if (length < 12 || line[8] !== SP) return undefined;
  const version = parseVersion(line, 0, 8);
  if (version === undefined) return undefined;
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const digit = line[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    status = status * 10 + digit;
  }
  if (status < 100) return undefined;
  if (length === 12) return { version, status, reason: '' };
  if (line[12] !== SP) return undefined;
  for (let i = 13; i < length; i++) if (!isFieldValueChar(line[i]!)) return undefined;
  return { version, status, reason: decodeLatin1(line, 13, length) };
}
